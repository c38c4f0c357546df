// Must NOT compile with kal_app's flags: the use cases speak no HTTP (tests/CMakeLists.txt).
#include <boost/beast/http.hpp>
int main() { return 0; }

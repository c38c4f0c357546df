// Must NOT compile with kal_app's flags: the use cases build no JSON (tests/CMakeLists.txt).
#include <boost/json.hpp>
int main() {
    boost::json::value v = 1;
    return v.is_int64() ? 0 : 1;
}

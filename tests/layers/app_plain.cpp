// Compiles with kal_app's flags: the probe setup itself works (so the two failures above are
// the layer rules, not a broken command line).
#include <string>
#include <boost/url/parse.hpp>
int main() { return std::string("ok").size() == 2 && boost::urls::parse_uri("https://example.org") ? 0 : 1; }

// Boost.URL and Boost.JSON compiled into the fuzz target from their sources, instrumented like
// the code that calls them (Debian's libraries are not).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>

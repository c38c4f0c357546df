// The storage suite: the same cases on whichever database KAL_TEST_DB selects (ctest runs it as
// storage.sqlite and storage.postgresql). Each test gets a fresh, migrated database. One file
// per aggregate of db/ beside this one.
#define BOOST_TEST_MODULE storage
#include <boost/test/unit_test.hpp>

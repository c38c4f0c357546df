# End-to-end tests: the real kalendarium binary on port 0, spoken to over loopback HTTP.
add_library(kal_e2e_support STATIC
  ${CMAKE_CURRENT_LIST_DIR}/../support/server_process.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../support/http_client.cpp
)
target_include_directories(kal_e2e_support PUBLIC ${CMAKE_CURRENT_LIST_DIR}/../support)
target_link_libraries(kal_e2e_support PUBLIC Boost::json Boost::headers Threads::Threads kal_test_support)
target_compile_definitions(kal_e2e_support PRIVATE KAL_BINARY="$<TARGET_FILE:kalendarium>")
add_dependencies(kal_e2e_support kalendarium)

kal_boost_test(e2e_api_tests ${CMAKE_CURRENT_LIST_DIR}/api_tests.cpp)
target_link_libraries(e2e_api_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.api.sqlite COMMAND e2e_api_tests)
set_tests_properties(e2e.api.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.api.postgresql COMMAND e2e_api_tests)
set_tests_properties(e2e.api.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

kal_boost_test(e2e_lifecycle_tests ${CMAKE_CURRENT_LIST_DIR}/lifecycle_tests.cpp)
target_link_libraries(e2e_lifecycle_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.lifecycle COMMAND e2e_lifecycle_tests --run_test=!postgresql_outage)
set_tests_properties(e2e.lifecycle PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
# Stops and starts the shared PostgreSQL cluster: nothing else may run meanwhile.
add_test(NAME e2e.postgresql_outage COMMAND e2e_lifecycle_tests --run_test=postgresql_outage)
set_tests_properties(e2e.postgresql_outage PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql" RUN_SERIAL TRUE)

kal_boost_test(e2e_feed_tests ${CMAKE_CURRENT_LIST_DIR}/feed_tests.cpp)
target_link_libraries(e2e_feed_tests PRIVATE kal_e2e_support)
target_compile_definitions(e2e_feed_tests PRIVATE KAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME e2e.feeds.sqlite COMMAND e2e_feed_tests)
set_tests_properties(e2e.feeds.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.feeds.postgresql COMMAND e2e_feed_tests)
set_tests_properties(e2e.feeds.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# Public pages (issue 11): the page cache across instances, the report's CSV link, error pages.
kal_boost_test(e2e_page_tests ${CMAKE_CURRENT_LIST_DIR}/page_tests.cpp)
target_link_libraries(e2e_page_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.pages.sqlite COMMAND e2e_page_tests)
set_tests_properties(e2e.pages.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.pages.postgresql COMMAND e2e_page_tests)
set_tests_properties(e2e.pages.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

kal_boost_test(e2e_rsvp_tests ${CMAKE_CURRENT_LIST_DIR}/rsvp_tests.cpp)
target_link_libraries(e2e_rsvp_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.rsvps.sqlite COMMAND e2e_rsvp_tests)
set_tests_properties(e2e.rsvps.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.rsvps.postgresql COMMAND e2e_rsvp_tests)
set_tests_properties(e2e.rsvps.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

kal_boost_test(e2e_attendance_tests ${CMAKE_CURRENT_LIST_DIR}/attendance_tests.cpp)
target_link_libraries(e2e_attendance_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.attendance.sqlite COMMAND e2e_attendance_tests)
set_tests_properties(e2e.attendance.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.attendance.postgresql COMMAND e2e_attendance_tests)
set_tests_properties(e2e.attendance.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

kal_boost_test(e2e_mail_tests ${CMAKE_CURRENT_LIST_DIR}/mail_tests.cpp ${CMAKE_CURRENT_LIST_DIR}/../support/smtp_sink.cpp)
target_link_libraries(e2e_mail_tests PRIVATE kal_e2e_support)
target_compile_definitions(e2e_mail_tests PRIVATE KAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME e2e.mail.sqlite COMMAND e2e_mail_tests)
set_tests_properties(e2e.mail.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.mail.postgresql COMMAND e2e_mail_tests)
set_tests_properties(e2e.mail.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# Clients that disconnect mid-answer (issue 9); wrk is the load generator whose connections are cut.
kal_boost_test(e2e_disconnect_tests ${CMAKE_CURRENT_LIST_DIR}/disconnect_tests.cpp)
target_link_libraries(e2e_disconnect_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.disconnect COMMAND e2e_disconnect_tests)
set_tests_properties(e2e.disconnect PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")

# HTTP/1.1 to the letter of RFC 9112 and fair connection limits (issue 14): raw bytes on the wire.
kal_boost_test(e2e_http_tests ${CMAKE_CURRENT_LIST_DIR}/http_tests.cpp)
target_link_libraries(e2e_http_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.http COMMAND e2e_http_tests)
set_tests_properties(e2e.http PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")

# The calendar pages (agenda, month) and the embed over HTTP on both databases (issue 11).
kal_boost_test(e2e_calendar_page_tests ${CMAKE_CURRENT_LIST_DIR}/calendar_page_tests.cpp)
target_link_libraries(e2e_calendar_page_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.calendar_pages.sqlite COMMAND e2e_calendar_page_tests)
set_tests_properties(e2e.calendar_pages.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.calendar_pages.postgresql COMMAND e2e_calendar_page_tests)
set_tests_properties(e2e.calendar_pages.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# The forms of the web pages (issue 11): same-origin and token checks, media types, the honeypot.
kal_boost_test(e2e_web_form_tests ${CMAKE_CURRENT_LIST_DIR}/web_form_tests.cpp)
target_link_libraries(e2e_web_form_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.web_forms.sqlite COMMAND e2e_web_form_tests)
set_tests_properties(e2e.web_forms.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.web_forms.postgresql COMMAND e2e_web_form_tests)
set_tests_properties(e2e.web_forms.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")
# The directory's pages, /prenumerera and the Atom feeds over HTTP on both databases (issue 11).
kal_boost_test(e2e_directory_page_tests ${CMAKE_CURRENT_LIST_DIR}/directory_page_tests.cpp)
target_link_libraries(e2e_directory_page_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.directory_pages.sqlite COMMAND e2e_directory_page_tests)
set_tests_properties(e2e.directory_pages.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.directory_pages.postgresql COMMAND e2e_directory_page_tests)
set_tests_properties(e2e.directory_pages.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")
# Accounts (issue 12): the user commands, a mailed invitation, a user's token, nothing secret logged.
kal_boost_test(e2e_accounts_tests ${CMAKE_CURRENT_LIST_DIR}/accounts_tests.cpp
               ${CMAKE_CURRENT_LIST_DIR}/../support/smtp_sink.cpp)
target_link_libraries(e2e_accounts_tests PRIVATE kal_e2e_support)
target_compile_definitions(e2e_accounts_tests PRIVATE KAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME e2e.accounts.sqlite COMMAND e2e_accounts_tests)
set_tests_properties(e2e.accounts.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.accounts.postgresql COMMAND e2e_accounts_tests)
set_tests_properties(e2e.accounts.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# Hostile text (issue 14): not UTF-8 or holding NUL, refused at the edge alike on both databases;
# the service's debug log grepped afterwards for what was sent.
kal_boost_test(e2e_hostile_tests ${CMAKE_CURRENT_LIST_DIR}/hostile_tests.cpp)
target_link_libraries(e2e_hostile_tests PRIVATE kal_e2e_support)
target_include_directories(e2e_hostile_tests PRIVATE ${PROJECT_SOURCE_DIR}/calendar/include)
target_compile_definitions(e2e_hostile_tests PRIVATE KAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME e2e.hostile.sqlite COMMAND e2e_hostile_tests)
set_tests_properties(e2e.hostile.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.hostile.postgresql COMMAND e2e_hostile_tests)
set_tests_properties(e2e.hostile.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# The organisers' signed-in pages (issue 12, org-core): sign-in links, the session cookie, forms
# refused from elsewhere, another organisation's organiser refused, signing out, secrets kept out
# of the log; on both databases.
kal_boost_test(e2e_organiser_tests ${CMAKE_CURRENT_LIST_DIR}/organiser_tests.cpp
               ${CMAKE_CURRENT_LIST_DIR}/../support/smtp_sink.cpp)
target_link_libraries(e2e_organiser_tests PRIVATE kal_e2e_support)
target_compile_definitions(e2e_organiser_tests PRIVATE KAL_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME e2e.organiser.sqlite COMMAND e2e_organiser_tests)
set_tests_properties(e2e.organiser.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.organiser.postgresql COMMAND e2e_organiser_tests)
set_tests_properties(e2e.organiser.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# The door's pages (issue 12, org-people): two phones at once make one check-in, another
# organisation's organiser refused on every page and action, forms refused from elsewhere; on
# both databases.
kal_boost_test(e2e_door_pages_tests ${CMAKE_CURRENT_LIST_DIR}/door_pages_tests.cpp)
target_link_libraries(e2e_door_pages_tests PRIVATE kal_e2e_support kal_app)
add_test(NAME e2e.door_pages.sqlite COMMAND e2e_door_pages_tests)
set_tests_properties(e2e.door_pages.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.door_pages.postgresql COMMAND e2e_door_pages_tests)
set_tests_properties(e2e.door_pages.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# Anonymous API reads from the render cache (issue 13): ETag/304, two instances, drafts, credentials.
kal_boost_test(e2e_read_cache_tests ${CMAKE_CURRENT_LIST_DIR}/read_cache_tests.cpp)
target_link_libraries(e2e_read_cache_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.read_cache.sqlite COMMAND e2e_read_cache_tests)
set_tests_properties(e2e.read_cache.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.read_cache.postgresql COMMAND e2e_read_cache_tests)
set_tests_properties(e2e.read_cache.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

# The directory's organiser pages and the import by upload (issue 12, org-dir): another
# organisation's organiser refused on every page and action, forms refused from elsewhere or
# without the token (the multipart upload too), the upload previewed without writing and imported
# by its button, bad files said on the form, venue and series changes in the change log; on both
# databases.
kal_boost_test(e2e_organiser_directory_tests ${CMAKE_CURRENT_LIST_DIR}/organiser_directory_tests.cpp)
target_link_libraries(e2e_organiser_directory_tests PRIVATE kal_e2e_support)
add_test(NAME e2e.organiser_directory.sqlite COMMAND e2e_organiser_directory_tests)
set_tests_properties(e2e.organiser_directory.sqlite PROPERTIES ENVIRONMENT "KAL_TEST_DB=sqlite")
add_test(NAME e2e.organiser_directory.postgresql COMMAND e2e_organiser_directory_tests)
set_tests_properties(e2e.organiser_directory.postgresql PROPERTIES ENVIRONMENT "KAL_TEST_DB=postgresql")

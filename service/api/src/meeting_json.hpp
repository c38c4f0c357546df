#pragma once
// A meeting as the API shows it, by two writers (private to api/): a boost::json DOM, for the
// answers to writes and for what embeds meetings, and json_writer straight into the answer's
// bytes, for the hot reads (the list and the single meeting; issue 13, item 3). Their bytes are
// the same; tests/unit/api_json_tests.cpp pins it on the demo data.

#include <boost/json.hpp>

#include <string>

#include "json_writer.hpp"
#include "kal/db/model.hpp"

namespace kal::service::api {

// sp: where the DOM's values live (a monotonic arena for a throwaway one).
boost::json::object meeting_json(const db::meeting& m, const std::string& base_url, boost::json::storage_ptr sp = {});
void write_meeting(json_writer& w, const db::meeting& m, const std::string& base_url);
// {"items": [meetings], "next_cursor": "..."|null}, as list_response over meeting_json.
std::string meeting_list_text(const db::page<db::meeting>& page, const std::string& base_url);

}  // namespace kal::service::api

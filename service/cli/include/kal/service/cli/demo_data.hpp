#pragma once
// Demo data that looks like Borås: the compact's networks, ortsråd, venues and a year of
// meetings (FRÖ-möten, the stormöte, samråd, a monthly network series).

#include "kal/config/config.hpp"
#include "kal/db/database.hpp"

namespace kal::service::cli {

struct demo_summary {
    bool loaded = false;             // false when the database already had organisations
    db::id_t organiser_organisation = 0;  // the city's compact office, for the demo organiser token
};

// Loads the demo data into an empty database, for the calendar year that contains now.
demo_summary load_demo_data(db::database& database, const config::settings& settings, std::int64_t now);

}  // namespace kal::service::cli

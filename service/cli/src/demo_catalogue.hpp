#pragma once
// The demo's fixed contents, in the words of the city's own pages about the compact: who takes
// part, where they meet, and what kinds of meeting happen at which time of year. When they happen
// is decided by demo_plan.cpp, relative to now.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kal/service/cli/demo_data.hpp"

namespace kal::service::cli::demo::catalogue {

// Indices into organisations(), venues() and networks().
enum organisation_ref : std::size_t {
    // Borås Stad
    city,
    folkhalsa,
    sociala,
    arbetsliv,
    kultur,
    // Det Idéburna
    foreningsradet,
    kraftens_hus,
    roda_korset,
    hyresgaster_norrby,
    fristad_forening,
    sandared_forening,
    hassleholmen_forening,
    // neither: a regional knowledge centre
    valfardsforum,
    organisation_count
};
enum venue_ref : std::size_t {
    stadshuset,
    kulturhuset_lilla,
    kulturhuset_horsalen,
    kraftens_lokal,
    norrby_lokal,
    hassleholmen_lokal,
    fristad_lokal,
    sandared_lokal,
    kansliet,
    venue_count
};
enum network_ref : std::size_t {
    samradet,
    fro,
    integration,
    psykisk_ohalsa,
    norrby,
    hassleholmen,
    fristad,
    sandared,
    forvaltningar,
    ideburna,
    network_count
};

std::vector<db::organisation> organisations();  // in organisation_ref order
std::vector<planned_venue> venues();            // in venue_ref order
std::vector<planned_network> networks();        // in network_ref order

// What a meeting is, apart from when. "{år}" in the title and in document links is replaced by
// the meeting's year.
struct meeting_kind {
    db::meeting_type type = db::meeting_type::other;
    std::string title;
    std::string theme;
    std::string description;
    std::size_t organiser = city;
    std::optional<std::size_t> venue;
    std::string location;    // where there is no venue
    std::string online_url;  // an online meeting
    std::vector<std::size_t> networks;
    std::optional<int> capacity;
    int parties = 0;        // parties signed up by the time sign-ups close
    int lead_days = 28;     // sign-ups open this many days before the start
    int deadline_days = 0;  // the registration deadline this many days before the start (0: none)
    std::optional<int> quota;
    std::vector<db::document_link> documents;
};

// A meeting that comes back every year at the same time: the nth weekday of a month, moved to
// the next working day when that is a holiday.
struct yearly_meeting {
    unsigned month = 1;
    unsigned weekday = 2;  // 0 = Sunday
    unsigned nth = 1;
    std::string start, end;              // "18:00"; both empty for an all-day meeting
    meeting_kind ahead;                  // the coming one
    std::optional<meeting_kind> behind;  // the last one, where it differed (the FRÖ themes)
};
const std::vector<yearly_meeting>& yearly_meetings();

// Meetings placed a few working days from today, so that the agenda is never empty and the
// cancelled, full and draft cases are near at hand. The venue is the first of `venues` that is
// free at the time.
struct near_meeting {
    meeting_kind kind;
    std::string start, end;
    std::vector<std::size_t> venues;
};
const std::vector<near_meeting>& soon_meetings();    // the next working days
const std::vector<near_meeting>& recent_meetings();  // the last working days, held
const near_meeting& full_training();                 // ahead: full with a waitlist; behind: held full
const near_meeting& cancelled_ahead();
const near_meeting& cancelled_behind();
const near_meeting& draft_meeting();

// The monthly series: first Tuesday of the month, a summer break.
const near_meeting& monthly_series();

// The invented people who sign up and walk in.
struct person {
    std::string name;
    std::string email;
    std::optional<std::size_t> organisation;  // a known organisation, or
    std::string organisation_name;            // free text, or neither: on their own
};
const std::vector<person>& people();
const std::vector<std::string>& needs();  // accessibility and diet, as people write them

}  // namespace kal::service::cli::demo::catalogue

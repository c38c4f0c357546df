#pragma once
// Every value, section and include the page templates may use (besides the texts, t_*). The
// templates' start check refuses a name that is not here, so a typo in a template stops the
// start instead of leaving a hole in a page. Keep each list sorted by page.

#include <array>
#include <string_view>

namespace kal::service::web {

inline constexpr std::string_view page_variables[] = {
    // the frame (layout.html)
    "lang", "title", "description", "css", "canonical", "alternate_sv", "alternate_en", "other_language_href",
    "organisation_name", "service_name", "contact_email", "prefix", "home", "logo", "feed_href", "feed_title",
    "nav_href", "nav_label",
    // errors (error.html)
    "error_title", "error_body", "error_detail",
    // the agenda (agenda.html, meeting_item.html)
    "list_href", "month_href", "option_value", "option_label", "from_value", "to_value", "search_value",
    "day_date", "day_text", "more_href", "item_time", "item_href", "item_title", "item_place", "item_type",
    "item_seats",
    // the calendar's filters and views (calendar_filters.html), the agenda's pager, the month (month.html)
    "field_id", "field_name", "field_label", "field_all", "filter_action", "next_page", "first_href",
    "month_caption", "weekday_name", "weekday_abbr", "cell_date", "cell_weekday", "cell_day", "cell_month", "event_href", "event_title", "event_time", "previous_href",
    "previous_text", "next_href", "next_text",
    // the embed (embed_layout.html, embed.html) and the page explaining it (embed_help.html)
    "embed_heading", "embed_when", "embed_href", "embed_title", "embed_place", "embed_calendar_href", "count_value",
    "help_action", "embed_src", "embed_preview_href",
    // the directory's pages (networks.html, network.html, organisations.html, organisation.html, venues.html,
    // venue.html, venue_facts.html, upcoming_list.html, scope_subscribe.html), a feed's links (subscription.html),
    // /prenumerera (subscribe.html) and the Atom feeds (atom.xml)
    "kind_id", "kind_label", "entry_href", "entry_name", "paragraph_text", "organisations_href", "scope_name",
    "scope_kicker", "scope_kind", "owner_href", "owner_name", "scope_calendar_href", "scope_month_href",
    "scope_subscribe_title", "steps_href", "org_email", "org_phone", "org_phone_dial", "venue_name", "venue_slug",
    "venue_href", "venue_address", "venue_map_href", "venue_capacity", "access_text", "venue_notes", "venue_owner",
    "venue_owner_href", "bookings_caption", "booking_start", "booking_when", "booking_href", "booking_title",
    "booking_organiser", "booking_organiser_href",
    "sub_id", "sub_name", "sub_url", "sub_webcal", "sub_google_cid", "sub_url_encoded", "sub_name_encoded", "sub_atom",
    "type_key", "type_label", "group_id", "group_title", "result_term", "result_value", "builder_action",
    "group_legend", "group_name", "choice_id", "choice_value", "choice_label", "atom_href", "atom_label", "embed_href",
    "atom_self", "atom_title", "atom_updated", "atom_author", "atom_home", "atom_page", "atom_calendar", "entry_title",
    "entry_updated", "entry_published", "entry_author", "entry_type", "entry_type_label", "entry_when", "entry_place",
};

inline constexpr std::string_view page_sections[] = {
    // the frame
    "has_description", "has_logo", "feed_link", "nav_item", "nav_current",
    // errors
    "has_detail",
    // the agenda
    "filters_open", "option_selected", "no_meetings", "day", "day_today", "meeting", "has_more", "cancelled", "not_cancelled", "item_full",
    "item_has_seats",
    // the calendar's filters and views, the agenda's pager, the month
    "select_field", "field_option", "view_list_current", "view_month_current", "filter_dates", "pager",
    "not_first_page", "month_none", "month_truncated", "weekday", "week", "month_day", "cell_outside",
    "cell_inside", "cell_empty", "cell_today", "cell_has_events", "month_event", "event_starts", "event_continued",
    "event_cancelled", "event_not_cancelled",
    // the embed and the page explaining it
    "embed_none", "embed_meeting", "embed_cancelled", "embed_not_cancelled", "embed_has_place",
    // the directory's pages, a feed's links, /prenumerera and the Atom feeds
    "no_networks", "network_kind", "network_entry", "entry_paragraph", "scope_paragraph", "has_owners", "owner",
    "no_upcoming", "has_upcoming", "more_upcoming", "no_organisations", "organisation_kind", "organisation_entry",
    "org_has_email", "org_has_phone", "org_has_networks", "org_network", "org_has_venues", "org_venue",
    "org_no_contact", "no_shared", "venue", "has_others", "other_venue", "venue_has_address", "venue_has_map",
    "venue_has_capacity", "venue_access", "venue_has_notes", "venue_has_owner", "no_bookings", "has_bookings",
    "booking", "booking_cancelled", "booking_not_cancelled", "subscription", "sub_hint", "sub_no_hint",
    "sub_has_atom", "all_feed", "type_feed", "scope_group", "scope_entry", "builder_result", "result_row",
    "builder_group", "builder_choice", "choice_checked", "atom_feed", "entry", "entry_cancelled", "entry_has_place",
};

// Each include marker and the templates the code may name for it: pages for the frame's
// {{>content}}, what a page adds to <head>, and the partials pages share.
struct include_marker {
    std::string_view marker;
    std::array<std::string_view, 24> templates;  // unused entries are empty
};
inline constexpr include_marker page_includes[] = {
    {"content", {"agenda.html", "error.html", "month.html", "embed.html", "embed_help.html",
                 // the directory's pages and /prenumerera
                 "networks.html", "network.html", "organisations.html", "organisation.html", "venues.html",
                 "venue.html", "subscribe.html"}},
    {"head", {"empty.html"}},
    {"meeting_item", {"meeting_item.html"}},
    {"calendar_filters", {"calendar_filters.html"}},
    {"select_field", {"select_field.html"}},
    // the directory's pages and /prenumerera
    {"upcoming_list", {"upcoming_list.html"}},
    {"scope_subscribe", {"scope_subscribe.html"}},
    {"subscription", {"subscription.html"}},
    {"venue_facts", {"venue_facts.html"}},
};

}  // namespace kal::service::web

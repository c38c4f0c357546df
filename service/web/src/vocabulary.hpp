#pragma once
// Every value, section and include the page templates may use (besides the texts, t_*). The
// templates' start check refuses a name that is not here, so a typo in a template stops the
// start instead of leaving a hole in a page. Keep each list sorted by page.

#include <array>
#include <string_view>

namespace kal::service::web {

inline constexpr std::string_view page_variables[] = {
    // Uppföljning (report.html, report_bar_chart.html)
    "report_title", "report_as_of", "csv_comma_href", "csv_semicolon_href", "csv_file", "year_before_href",
    "year_before_text", "year_after_href", "year_after_text", "target_sentence", "target_verdict", "types_caption",
    "type_label", "type_held", "type_planned", "type_cancelled", "type_target", "total_held", "total_planned",
    "total_cancelled", "attendance_summary", "associations_summary", "attendance_caption", "fact_label", "fact_value",
    "networks_none", "networks_caption", "network_href", "network_name", "network_held", "network_planned",
    "network_cancelled", "network_attended", "network_organisations", "months_title", "months_desc", "months_summary",
    "months_caption", "month_bar_x", "month_bar_y", "month_bar_height", "month_center", "month_value", "month_value_y",
    "month_short", "month_name", "month_held", "month_planned", "month_cancelled", "month_attended",
    "month_organisations", "total_attended", "total_organisations", "chart_id", "chart_width", "month_chart_width",
    "month_axis_end", "chart_title", "chart_desc", "chart_summary", "chart_height", "chart_label", "chart_label_y",
    "chart_bar_y", "chart_solid_width", "chart_dashed_x", "chart_dashed_width", "chart_target_x", "chart_target_y1",
    "chart_target_y2", "chart_value", "chart_value_x", "chart_value_y",
    // the statements (sv/accessibility.html, sv/privacy.html and en/...)
    "statement_address", "statement_contact", "assessed_date", "assessed_text", "statement_controller",
    "statement_controller_contact", "statement_dpo", "anonymise_days",
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
    // a meeting's page (meeting.html, meeting_head.html, calendar_links.html), the sign-up form
    // (sign_up_form.html, party_size_field.html, needs_fields.html, error_summary.html), the
    // holder's page (manage.html, erase.html)
    "meeting_type", "meeting_theme", "meeting_title", "meeting_start", "meeting_when", "meeting_status", "place_text",
    "place_name", "map_href", "map_text", "access_text", "access_notes", "online_href", "organiser_href",
    "organiser_name", "seats_text", "waiting_text", "quota_text", "deadline_text",
    "line_text", "document_href", "document_title", "coming_href", "coming_when", "closed_text", "feed_name",
    "feed_https", "feed_webcal", "subscribe_href", "ics_href", "google_href", "outlook_href",
    "og_title", "og_description", "og_url", "og_locale", "ld_name", "ld_description", "ld_url", "ld_start", "ld_end",
    "ld_previous_start", "ld_status", "ld_attendance", "ld_place_name", "ld_street", "ld_postal_code", "ld_locality",
    "ld_latitude", "ld_longitude", "ld_online_url", "ld_organiser_name", "ld_organiser_url",
    "sign_up_action", "csrf_token", "privacy_href", "submit_text", "known_organisation_name", "name_value",
    "email_value", "organisation_value", "party_size_value", "needs_value", "name_error", "email_error",
    "organisation_error", "party_size_error", "needs_error", "language_error", "consent_error", "errors_title",
    "summary_target", "summary_text",
    "manage_heading", "waitlisted_text", "meeting_href", "rsvp_status", "rsvp_name", "rsvp_email", "rsvp_organisation",
    "rsvp_party_size", "needs_line_text", "rsvp_language", "manage_action", "cancel_action", "erase_href",
    "own_feed_https", "own_feed_webcal", "erase_action", "manage_href",
    // the directory's pages (networks.html, network.html, organisations.html, organisation.html, venues.html,
    // venue.html, venue_facts.html, upcoming_list.html, scope_subscribe.html), a feed's links (subscription.html),
    // /prenumerera (subscribe.html) and the Atom feeds (atom.xml)
    "kind_id", "kind_label", "entry_href", "entry_name", "paragraph_text", "organisations_href", "scope_name",
    "scope_kicker", "scope_kind", "owner_href", "owner_name", "scope_calendar_href", "scope_month_href",
    "scope_subscribe_title", "steps_href", "org_email", "org_phone", "org_phone_dial", "venue_name", "venue_slug",
    "venue_href", "venue_address", "venue_map_href", "venue_capacity", "venue_notes", "venue_owner",
    "venue_owner_href", "bookings_caption", "booking_start", "booking_when", "booking_href", "booking_title",
    "booking_organiser", "booking_organiser_href",
    "sub_id", "sub_name", "sub_url", "sub_webcal", "sub_google_cid", "sub_url_encoded", "sub_name_encoded", "sub_atom",
    "type_key", "group_id", "group_title", "result_term", "result_value", "builder_action",
    "group_legend", "group_name", "choice_id", "choice_value", "choice_label", "atom_href", "atom_label", 
    "atom_self", "atom_title", "atom_updated", "atom_author", "atom_home", "atom_page", "atom_calendar", "entry_title",
    "entry_updated", "entry_published", "entry_author", "entry_type", "entry_type_label", "entry_when", "entry_place",
};

inline constexpr std::string_view page_sections[] = {
    // Uppföljning
    "has_year_before", "has_year_after", "no_targets", "target_line", "targets_chart", "type_row", "type_has_target",
    "type_no_target", "attendance_chart", "fact", "no_networks", "has_networks", "networks_chart", "network_row",
    "month_column", "month_bar", "month_row", "chart_row", "chart_solid", "chart_dashed", "chart_target",
    "chart_legend", "legend_planned", "legend_target",
    // the privacy notice
    "anonymise_later", "anonymise_at_once",
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
    // a meeting's page, the sign-up form, the holder's page
    "notice_thanks", "notice_already", "notice_erased", "meeting_cancelled", "meeting_not_cancelled",
    "meeting_has_theme", "place_has_map", "has_venue", "access_item", "has_access_notes", "has_online",
    "has_organiser", "network", "has_seats", "has_waiting", "has_quota", "has_deadline",
    "deadline_passed", "has_about", "paragraph", "line", "has_documents", "document", "has_coming", "coming",
    "coming_cancelled", "coming_not_cancelled", "sign_up_closed", "sign_up_open", "may_add", "feed",
    "ld_moved", "ld_has_location", "ld_place", "ld_has_postal_code", "ld_has_locality", "ld_geo", "ld_both",
    "ld_virtual",
    "has_errors", "summary_error", "sign_up_waitlist", "name_invalid", "email_invalid", "organisation_invalid",
    "party_size_invalid", "needs_invalid", "language_invalid", "consent_invalid", "known_organisation",
    "need_interpreter_checked", "need_hearing_loop_checked", "need_food_checked", "language_sv_checked",
    "language_en_checked", "consent_checked",
    "status_confirmed", "status_waitlisted", "status_cancelled", "notice_changed", "needs_line", "may_change",
    "meeting_ended", "is_active",
    // the directory's pages, a feed's links, /prenumerera and the Atom feeds
    "network_kind", "network_entry", "entry_paragraph", "scope_paragraph", "has_owners", "owner",
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
    {"bar_chart", {"report_bar_chart.html"}},  // Uppföljning
    {"content",
     {"agenda.html", "error.html", "month.html", "embed.html", "embed_help.html",
      // meetings, signing up, the holder's page
      "meeting.html", "manage.html", "erase.html",
      // Uppföljning and the statements
      "report.html", "sv/accessibility.html", "en/accessibility.html", "sv/privacy.html", "en/privacy.html",
      // the directory's pages and /prenumerera
      "networks.html", "network.html", "organisations.html", "organisation.html", "venues.html", "venue.html",
      "subscribe.html"}},
    {"head", {"empty.html", "meeting_head.html"}},
    {"meeting_item", {"meeting_item.html"}},
    {"calendar_filters", {"calendar_filters.html"}},
    {"select_field", {"select_field.html"}},
    // meetings, signing up, the holder's page
    {"sign_up_form", {"sign_up_form.html"}},
    {"error_summary", {"error_summary.html"}},
    {"party_size_field", {"party_size_field.html"}},
    {"needs_fields", {"needs_fields.html"}},
    {"calendar_links", {"calendar_links.html"}},
    // the directory's pages and /prenumerera
    {"upcoming_list", {"upcoming_list.html"}},
    {"scope_subscribe", {"scope_subscribe.html"}},
    {"subscription", {"subscription.html"}},
    {"venue_facts", {"venue_facts.html"}},
};

}  // namespace kal::service::web

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
};

// Each include marker and the templates the code may name for it: pages for the frame's
// {{>content}}, what a page adds to <head>, and the partials pages share.
struct include_marker {
    std::string_view marker;
    std::array<std::string_view, 24> templates;  // unused entries are empty
};
inline constexpr include_marker page_includes[] = {
    {"content", {"agenda.html", "error.html", "month.html", "embed.html", "embed_help.html"}},
    {"head", {"empty.html"}},
    {"meeting_item", {"meeting_item.html"}},
    {"calendar_filters", {"calendar_filters.html"}},
    {"select_field", {"select_field.html"}},
};

}  // namespace kal::service::web

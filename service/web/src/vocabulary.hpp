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
    "filters_open", "type_option", "network_option", "organisation_option", "venue_option", "option_selected",
    "no_meetings", "day", "day_today", "meeting", "has_more", "cancelled", "not_cancelled", "item_full",
    "item_has_seats",
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
     {"agenda.html", "error.html",
      // Uppföljning and the statements
      "report.html", "sv/accessibility.html", "en/accessibility.html", "sv/privacy.html", "en/privacy.html"}},
    {"head", {"empty.html"}},
    {"meeting_item", {"meeting_item.html"}},
};

}  // namespace kal::service::web

// Series without RRULE (issue 12 item 5): /arrangor/serier/ny asks for a repetition in words
// (every week or every other week on a weekday, monthly on the first <weekday>; until a date or a
// number of times) and app::repetition_of makes the rule; /arrangor/serier/{id} lists the
// occurrences, each skippable (those signed up are mailed a cancellation, as when a meeting is
// deleted), movable (its own meeting form) and cancellable (its own cancel page, with a reason).

#include "kal/service/app/dates.hpp"
#include "kal/service/app/meetings.hpp"
#include "kal/service/app/organising.hpp"
#include "kal/service/app/texts.hpp"
#include "meeting.hpp"
#include "organiser.hpp"

namespace kal::service::web {

namespace {

struct series_form {
    std::string type = "other", title, description, organisation, venue, location, online_url, capacity;
    std::string repeat = "weekly", weekday = "TU", from_date, start_time, end_time, until_date, count;
};

constexpr const char* weekday_codes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

series_form form_of(const forms::form& f) {
    series_form s;
    auto text = [&](const char* name) { return f.text(name).value_or(""); };
    s.type = text("typ");
    s.title = text("titel");
    s.description = f.value("beskrivning").value_or("");
    s.organisation = text("arrangor");
    s.venue = text("lokal");
    s.location = text("plats");
    s.online_url = text("lank");
    s.capacity = text("platser");
    s.repeat = text("upprepning");
    s.weekday = text("veckodag");
    s.from_date = text("forsta_datum");
    s.start_time = text("starttid");
    s.end_time = text("sluttid");
    s.until_date = text("till_datum");
    s.count = text("antal");
    return s;
}

const std::vector<form_field_place> places = {
    {"type", "serie-typ", "type"},
    {"title", "serie-titel", "title"},
    {"description", "serie-beskrivning", "description"},
    {"organisation_id", "serie-arrangor", "organisation"},
    {"repeat", "serie-upprepning", "repeat"},
    {"weekday", "serie-veckodag", "weekday"},
    {"from_date", "serie-forsta-datum", "from_date"},
    {"start", "serie-starttid", "start"},
    {"end", "serie-sluttid", "end"},
    {"until", "serie-till-datum", "until"},
    {"count", "serie-antal", "count"},
    {"rrule", "serie-upprepning", "repeat"},
    {"venue_id", "serie-lokal", "venue"},
    {"location", "serie-plats", "location"},
    {"online_url", "serie-lank", "online_url"},
    {"capacity", "serie-platser", "capacity"},
};

response form_page(app::context& ctx, const site& pages, request&, db::language language, const signed_in_request& s,
                   const series_form& f, const std::vector<app::field_error>& errors = {}, int status = 200) {
    const auto& t = app::texts::of(language);
    const auto choices = app::meeting_form_choices_of(ctx, s.who);
    dictionary d(&pages.texts(language));
    d.set("sf_action", localised(language, "/arrangor/serier/ny"));
    if (!errors.empty()) fill_form_errors(d, errors, language, places, "series_form", "serie-titel");
    for (const auto& [type, text] : db::meeting_type_texts) {
        auto& o = d.add("mf_type_option").set("mf_option_value", std::string(text)).set("mf_option_label", app::label(type, language));
        if (f.type == text) o.show("mf_option_selected");
    }
    d.set("title_value", f.title).set("description_value", f.description);
    for (const auto& o : choices.organisations) {
        auto& item = d.add("mf_organisation_option").set("mf_option_value", std::to_string(o.id)).set("mf_option_label", o.name);
        if (f.organisation == std::to_string(o.id) || (f.organisation.empty() && choices.organisations.size() == 1))
            item.show("mf_option_selected");
    }
    for (const char* r : {"weekly", "every_other_week", "monthly_first"}) {
        auto& item = d.add("sf_repeat").set("sf_repeat_value", r).set("sf_repeat_label", t[std::string("series_form.repeat_") + r]);
        if (f.repeat == r) item.show("sf_repeat_checked");
    }
    for (int i = 0; i < 7; ++i) {
        auto& item = d.add("sf_weekday").set("mf_option_value", weekday_codes[i]).set("mf_option_label", app::weekday_name(i, language));
        if (f.weekday == weekday_codes[i]) item.show("mf_option_selected");
    }
    d.set("from_date_value", f.from_date).set("start_time_value", f.start_time).set("end_time_value", f.end_time);
    d.set("until_value", f.until_date).set("count_value", f.count);
    add_where_fields(d, "serie", choices.venues, {f.venue, f.location, f.online_url, f.capacity}, language);
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor/serier/ny";
    frame.title = (errors.empty() ? std::string() : t["meeting.error_title_prefix"] + " ") + t["series_form.new_title"];
    frame.section = section::organiser_series;
    frame.content_template = "series_form.html";
    return render_signed_in(pages, frame, d, s, status);
}

response new_series(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    return form_page(ctx, pages, req, language, s, series_form{});
}

std::optional<db::id_t> number(const std::string& text) {
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(text);
}

response create(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto f = form_of(s.form);
    app::field_errors problems;
    const auto rule = app::repetition_of({f.repeat, f.weekday, f.from_date, f.until_date, f.count}, problems);
    app::series_input in;
    in.unreadable.fields = problems.list();
    in.type = f.type;
    in.title = f.title;
    in.description = f.description;
    in.all_day = false;
    in.time_zone = ctx.settings.calendar.default_time_zone;
    if (f.start_time.empty()) in.unreadable.fields.push_back({"start", "needs a time", "required"});
    if (f.end_time.empty()) in.unreadable.fields.push_back({"end", "needs a time", "required"});
    in.start = rule.first_date + "T" + f.start_time;
    in.end = rule.first_date + "T" + f.end_time;
    in.rrule = rule.rrule;
    if (auto v = number(f.venue)) in.venue_id = std::optional<db::id_t>(*v);
    else in.venue_id = std::optional<db::id_t>();
    in.location = f.location;
    in.online_url = f.online_url;
    if (auto o = number(f.organisation)) in.organisation_id = *o;
    else in.unreadable.fields.push_back({"organisation_id", "is required", "required"});
    if (f.capacity.empty()) in.capacity = std::optional<std::int64_t>();
    else if (auto c = number(f.capacity); c && *c < 100000) in.capacity = std::optional<std::int64_t>(*c);
    else in.unreadable.fields.push_back({"capacity", "must be a whole number", "not_a_number"});
    in.status = s.form.value("atgard") == "publicera" ? "published" : "draft";
    db::id_t id = 0;
    if (auto refused = refusal_of([&] { id = app::create_series(ctx, s.who, in, db::venue_overlap::refuse).id; })) {
        // A repetition the form could not read makes no rule: say what was wrong with the form,
        // not with the rule it could not make.
        if (!problems.empty())
            std::erase_if(refused->errors, [](const app::field_error& e) { return e.field == "rrule"; });
        return form_page(ctx, pages, req, language, s, f, refused->errors, refused->status);
    }
    return see_other_private(localised(language, "/arrangor/serier/" + std::to_string(id)) + "?sparat=1");
}

db::id_t id_param(const request& req, const char* name) {
    auto n = number(req.params.at(name));
    if (!n) throw app::not_found("No such series");
    return *n;
}

response show(app::context& ctx, const site& pages, request& req, db::language language, const signed_in_request& s) {
    const auto& t = app::texts::of(language);
    const auto es = app::series_to_edit(ctx, s.who, id_param(req, "id"));
    dictionary d(&pages.texts(language));
    d.set("sp_title", es.series.fields.title);
    if (req.query_value("sparat") == "1") d.show("sp_saved");
    if (req.query_value("hoppad") == "1") d.show("sp_skipped").set("sp_skipped_text", t["series_form.skipped"]);
    if (req.query_value("hoppad") == "2") d.show("sp_skipped").set("sp_skipped_text", t["series_form.skipped_told"]);
    for (const auto& m : es.occurrences) {
        auto& row = d.add("sp_occurrence");
        const auto seats = es.seats.count(m.id) ? es.seats.at(m.id) : app::availability{};
        row.set("sp_when", app::when_text(m, language))
            .set("sp_status", t["meeting_form.status_" + std::string(db::to_text(m.status))])
            .set("sp_taken", std::to_string(seats.confirmed_people))
            .set("sp_move_href", localised(language, "/arrangor/moten/" + std::to_string(m.id)))
            .set("sp_cancel_href", localised(language, "/arrangor/moten/" + std::to_string(m.id) + "/stall-in"))
            .set("sp_skip_action", localised(language, "/arrangor/serier/" + std::to_string(es.series.id) + "/hoppa-over/" +
                                                           std::to_string(m.id)))
            .set("sp_date_label", app::when_text(m, language));
        if (m.status != db::meeting_status::cancelled) row.show("sp_may_cancel");
        // Skipping tells those signed up, as deleting does (app::skip_occurrence): the button says so.
        const auto told = es.told_if_skipped.count(m.id) ? es.told_if_skipped.at(m.id) : 0;
        if (told > 0)
            row.show("sp_skip_tells")
                .set("sp_skip_tells_text", told == 1 ? t["series_form.skip_tells_one"]
                                                     : filled(t["series_form.skip_tells_many"],
                                                              {{"count", std::to_string(told)}}));
    }
    // The series' own change log (org-dir).
    add_change_log(d, es.changes, language, es.series.fields.time_zone, t["org_directory.changes_caption"]);
    page_frame frame;
    frame.language = language;
    frame.path = "/arrangor/serier/" + std::to_string(es.series.id);
    frame.title = page_title(pages, language, filled(t["series_form.page_title"], {{"title", es.series.fields.title}}));
    frame.section = section::organiser_series;
    frame.content_template = "series_page.html";
    return render_signed_in(pages, frame, d, s);
}

response skip(app::context& ctx, const site&, request& req, db::language language, const signed_in_request& s) {
    const auto series = id_param(req, "id");
    const auto meeting = id_param(req, "meeting");
    const auto told = app::skip_occurrence(ctx, s.who, series, meeting);
    return see_other_private(localised(language, "/arrangor/serier/" + std::to_string(series)) +
                             (told > 0 ? "?hoppad=2" : "?hoppad=1"));
}

}  // namespace

void add_series_form_pages(http::router& routes, app::context& ctx, std::shared_ptr<const site> pages) {
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/serier/ny", new_series);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/serier/ny", create);
    add_signed_in_page(routes, ctx, pages, "GET", "/arrangor/serier/{id}", show);
    add_signed_in_page(routes, ctx, pages, "POST", "/arrangor/serier/{id}/hoppa-over/{meeting}", skip);
}

}  // namespace kal::service::web

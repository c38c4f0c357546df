#include "kal/service/app/errors.hpp"

#include "kal/calendar/time.hpp"
#include "kal/db/errors.hpp"

namespace kal::service::app {

error::error(error_kind k, std::string detail, std::vector<field_error> f)
    : std::runtime_error(std::move(detail)), kind(k), fields(std::move(f)) {}

error bad_parameter(std::string name, std::string message, std::string code) {
    // Not std::move(name) beside "... " + name: the order in which arguments are evaluated is
    // unspecified, and GCC moved it first (the detail ended "parameter: ").
    std::string detail = "Ogiltig frågeparameter / Invalid query parameter: " + name;
    return error(error_kind::bad_request, std::move(detail), {{std::move(name), std::move(message), std::move(code)}});
}

error validation_failed(std::vector<field_error> fields) {
    std::string detail = "Ogiltiga fält / Invalid fields:";
    for (const auto& f : fields) detail += " " + f.field;
    return error(error_kind::validation, detail, std::move(fields));
}

error not_found(std::string detail) { return error(error_kind::not_found, std::move(detail)); }
error forbidden(std::string detail) { return error(error_kind::forbidden, std::move(detail)); }
error unauthenticated(std::string detail) { return error(error_kind::unauthenticated, std::move(detail)); }

error conflict(std::string detail, std::vector<field_error> fields, std::string code) {
    error e(error_kind::conflict, std::move(detail), std::move(fields));
    e.code = std::move(code);
    return e;
}

error unavailable(std::string detail, int retry_after_seconds) {
    error e(error_kind::unavailable, std::move(detail));
    e.retry_after_seconds = retry_after_seconds;
    return e;
}

error rate_limited(int retry_after_seconds) {
    error e(error_kind::rate_limited, "Too many requests from this address; try again in " +
                                          std::to_string(retry_after_seconds) + " s.");
    e.retry_after_seconds = retry_after_seconds;
    return e;
}

namespace {

std::string refusal_text(db::sign_up_refusal r) {
    switch (r) {
    case db::sign_up_refusal::draft: return "Mötet är inte publicerat / The meeting is not published";
    case db::sign_up_refusal::cancelled: return "Mötet är inställt / The meeting is cancelled";
    case db::sign_up_refusal::started: return "Mötet har redan börjat / The meeting has already started";
    case db::sign_up_refusal::deadline_passed:
        return "Sista anmälningsdag har passerat / The registration deadline has passed";
    case db::sign_up_refusal::quota_full:
        return "Organisationens platser är fyllda / The organisation's places are taken";
    }
    return "Anmälan är stängd / Sign-up is closed";
}

std::string refusal_code(db::sign_up_refusal r) {
    switch (r) {
    case db::sign_up_refusal::draft: return "meeting_not_published";
    case db::sign_up_refusal::cancelled: return "meeting_cancelled";
    case db::sign_up_refusal::started: return "meeting_started";
    case db::sign_up_refusal::deadline_passed: return "deadline_passed";
    case db::sign_up_refusal::quota_full: return "quota_full";
    }
    return "sign_up_closed";
}

}  // namespace

std::optional<error> classify(std::exception_ptr thrown) {
    try {
        std::rethrow_exception(thrown);
    } catch (const error& e) {
        return e;
    } catch (const db::not_found& e) {
        return not_found(e.what());
    } catch (const db::invalid_reference& e) {
        return validation_failed({{e.field, e.what(), "unknown_reference"}});
    } catch (const db::invalid_value& e) {
        return validation_failed({{e.field.empty() ? "body" : e.field, e.what(), "invalid"}});
    } catch (const db::venue_conflict& e) {
        std::string ids;
        for (auto id : e.meeting_ids) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        auto out = conflict("The venue is already booked at that time by meeting(s) " + ids +
                                ". Add ?allow_venue_conflict=true if this is intended.",
                            {{"venue_id", "booked by meeting(s) " + ids, "venue_booked"}}, "venue-conflict");
        out.related_ids = e.meeting_ids;
        return out;
    } catch (const db::sign_up_refused& e) {
        auto field = e.reason == db::sign_up_refusal::quota_full ? "organisation" : "meeting";
        return conflict(refusal_text(e.reason), {{field, e.what(), refusal_code(e.reason)}}, "sign-up-refused");
    } catch (const db::conflict& e) {
        std::vector<field_error> fields;
        if (!e.field.empty()) fields.push_back({e.field, e.what(), "conflict"});
        return conflict(e.what(), std::move(fields));
    } catch (const db::unavailable&) {
        return unavailable("The database is not available right now; try again shortly.", 5);
    } catch (const calendar::error& e) {
        // Callers that know which field a calendar error concerns catch it themselves and name
        // it; one that escapes concerns the meeting's time.
        return validation_failed({{"start", e.what(), "invalid_time"}});
    } catch (...) {
        return std::nullopt;
    }
}

void field_errors::add(std::string field, std::string message, std::string code) {
    errors_.push_back({std::move(field), std::move(message), std::move(code)});
}

void field_errors::append(const std::vector<field_error>& more) {
    errors_.insert(errors_.end(), more.begin(), more.end());
}

bool field_errors::has(const std::string& field) const {
    for (const auto& e : errors_)
        if (e.field == field) return true;
    return false;
}

void field_errors::throw_if_any() const {
    if (!errors_.empty()) throw validation_failed(errors_);
}

void unreadable_input::report(field_errors& errors) const {
    if (body) throw *body;
    errors.append(fields);
}

}  // namespace kal::service::app

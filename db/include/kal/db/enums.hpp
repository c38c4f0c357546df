#pragma once
// The enumerated values of the model and their one text mapping.
//
// Each enum has one table below pairing every value with the text stored in its column (and
// allowed by that column's CHECK in db/migrations). to_text() and parse_<enum>() are the only
// conversions; they read that table, so a value cannot be added to one direction and not the
// other. The texts are also the words of the API and the feeds, where they appear.
// Invariant: every value of an enum appears exactly once in its table, in declaration order.

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace kal::db {

enum class organisation_kind { association, city_unit, other };
enum class network_kind { area_network, local_council, interest_network, samrad, forum, other };
enum class meeting_type { fro, stormote, network, samrad, dialog, training, conference, other };
enum class meeting_status { draft, published, cancelled };
enum class rsvp_status { confirmed, waitlisted, cancelled };
// The language of a person's sign-up and of the mail they get.
enum class language { sv, en };
enum class token_role { admin, organiser };
// What a user who signs in may do: an admin everything, an organiser what its organisations own.
enum class user_role { admin, organiser };
// What an outbox message is about. confirmed, waitlisted and promoted carry the manage link;
// confirmed and promoted also the invitation (METHOD:REQUEST); meeting_changed a new REQUEST with
// the raised SEQUENCE; meeting_cancelled METHOD:CANCEL; rsvp_cancelled a confirmation (with
// CANCEL when the sign-up had a seat); reminder a reminder with a link to cancel. sign_in and
// invitation belong to a user, not a meeting, and carry a one-time sign-in link.
enum class message_kind {
    confirmed,
    waitlisted,
    promoted,
    meeting_changed,
    meeting_cancelled,
    rsvp_cancelled,
    reminder,
    sign_in,
    invitation
};
// pending -> sending (claimed) -> sent | pending (retry) | failed (gave up) | skipped (unwanted).
enum class message_state { pending, sending, sent, failed, skipped };

template <class E>
using text_table = std::pair<E, std::string_view>;

inline constexpr text_table<organisation_kind> organisation_kind_texts[] = {
    {organisation_kind::association, "association"},
    {organisation_kind::city_unit, "city_unit"},
    {organisation_kind::other, "other"},
};
inline constexpr text_table<network_kind> network_kind_texts[] = {
    {network_kind::area_network, "area_network"}, {network_kind::local_council, "local_council"},
    {network_kind::interest_network, "interest_network"}, {network_kind::samrad, "samrad"},
    {network_kind::forum, "forum"}, {network_kind::other, "other"},
};
inline constexpr text_table<meeting_type> meeting_type_texts[] = {
    {meeting_type::fro, "fro"},           {meeting_type::stormote, "stormote"},
    {meeting_type::network, "network"},   {meeting_type::samrad, "samrad"},
    {meeting_type::dialog, "dialog"},     {meeting_type::training, "training"},
    {meeting_type::conference, "conference"}, {meeting_type::other, "other"},
};
inline constexpr text_table<meeting_status> meeting_status_texts[] = {
    {meeting_status::draft, "draft"},
    {meeting_status::published, "published"},
    {meeting_status::cancelled, "cancelled"},
};
inline constexpr text_table<rsvp_status> rsvp_status_texts[] = {
    {rsvp_status::confirmed, "confirmed"},
    {rsvp_status::waitlisted, "waitlisted"},
    {rsvp_status::cancelled, "cancelled"},
};
inline constexpr text_table<language> language_texts[] = {
    {language::sv, "sv"},
    {language::en, "en"},
};
inline constexpr text_table<token_role> token_role_texts[] = {
    {token_role::admin, "admin"},
    {token_role::organiser, "organiser"},
};
inline constexpr text_table<user_role> user_role_texts[] = {
    {user_role::admin, "admin"},
    {user_role::organiser, "organiser"},
};
inline constexpr text_table<message_kind> message_kind_texts[] = {
    {message_kind::confirmed, "confirmed"},
    {message_kind::waitlisted, "waitlisted"},
    {message_kind::promoted, "promoted"},
    {message_kind::meeting_changed, "meeting_changed"},
    {message_kind::meeting_cancelled, "meeting_cancelled"},
    {message_kind::rsvp_cancelled, "rsvp_cancelled"},
    {message_kind::reminder, "reminder"},
    {message_kind::sign_in, "sign_in"},
    {message_kind::invitation, "invitation"},
};
inline constexpr text_table<message_state> message_state_texts[] = {
    {message_state::pending, "pending"}, {message_state::sending, "sending"}, {message_state::sent, "sent"},
    {message_state::failed, "failed"},   {message_state::skipped, "skipped"},
};

namespace detail {

template <class E, std::size_t N>
constexpr std::string_view text_of(const text_table<E> (&table)[N], E value) {
    for (const auto& [v, text] : table)
        if (v == value) return text;
    return {};  // unreachable while every value is in its table (tests check each)
}

template <class E, std::size_t N>
constexpr std::optional<E> value_of(const text_table<E> (&table)[N], std::string_view text) {
    for (const auto& [v, t] : table)
        if (t == text) return v;
    return std::nullopt;
}

template <class E, std::size_t N>
constexpr std::array<E, N> values_of(const text_table<E> (&table)[N]) {
    std::array<E, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = table[i].first;
    return out;
}

}  // namespace detail

constexpr std::string_view to_text(organisation_kind v) { return detail::text_of(organisation_kind_texts, v); }
constexpr std::string_view to_text(network_kind v) { return detail::text_of(network_kind_texts, v); }
constexpr std::string_view to_text(meeting_type v) { return detail::text_of(meeting_type_texts, v); }
constexpr std::string_view to_text(meeting_status v) { return detail::text_of(meeting_status_texts, v); }
constexpr std::string_view to_text(rsvp_status v) { return detail::text_of(rsvp_status_texts, v); }
constexpr std::string_view to_text(language v) { return detail::text_of(language_texts, v); }
constexpr std::string_view to_text(token_role v) { return detail::text_of(token_role_texts, v); }
constexpr std::string_view to_text(user_role v) { return detail::text_of(user_role_texts, v); }
constexpr std::string_view to_text(message_kind v) { return detail::text_of(message_kind_texts, v); }
constexpr std::string_view to_text(message_state v) { return detail::text_of(message_state_texts, v); }

// nullopt for any text that is not exactly one of the table's (case-sensitive, no trimming).
constexpr std::optional<organisation_kind> parse_organisation_kind(std::string_view s) {
    return detail::value_of(organisation_kind_texts, s);
}
constexpr std::optional<network_kind> parse_network_kind(std::string_view s) {
    return detail::value_of(network_kind_texts, s);
}
constexpr std::optional<meeting_type> parse_meeting_type(std::string_view s) {
    return detail::value_of(meeting_type_texts, s);
}
constexpr std::optional<meeting_status> parse_meeting_status(std::string_view s) {
    return detail::value_of(meeting_status_texts, s);
}
constexpr std::optional<rsvp_status> parse_rsvp_status(std::string_view s) {
    return detail::value_of(rsvp_status_texts, s);
}
constexpr std::optional<language> parse_language(std::string_view s) { return detail::value_of(language_texts, s); }
constexpr std::optional<token_role> parse_token_role(std::string_view s) {
    return detail::value_of(token_role_texts, s);
}
constexpr std::optional<user_role> parse_user_role(std::string_view s) { return detail::value_of(user_role_texts, s); }
constexpr std::optional<message_kind> parse_message_kind(std::string_view s) {
    return detail::value_of(message_kind_texts, s);
}
constexpr std::optional<message_state> parse_message_state(std::string_view s) {
    return detail::value_of(message_state_texts, s);
}

// Every value of each enum in declaration order (for validation messages and documentation).
inline constexpr auto all_organisation_kinds = detail::values_of(organisation_kind_texts);
inline constexpr auto all_network_kinds = detail::values_of(network_kind_texts);
inline constexpr auto all_meeting_types = detail::values_of(meeting_type_texts);
inline constexpr auto all_meeting_statuses = detail::values_of(meeting_status_texts);
inline constexpr auto all_rsvp_statuses = detail::values_of(rsvp_status_texts);
inline constexpr auto all_languages = detail::values_of(language_texts);
inline constexpr auto all_token_roles = detail::values_of(token_role_texts);
inline constexpr auto all_user_roles = detail::values_of(user_role_texts);
inline constexpr auto all_message_kinds = detail::values_of(message_kind_texts);
inline constexpr auto all_message_states = detail::values_of(message_state_texts);

}  // namespace kal::db

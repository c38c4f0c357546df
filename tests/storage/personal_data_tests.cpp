// Personal data: what is held about an address, erasure and anonymisation.

#include "storage_support.hpp"

using namespace std::chrono_literals;
using namespace kal::db;
using namespace kal::db::storage_test;

BOOST_AUTO_TEST_SUITE(storage)
BOOST_AUTO_TEST_SUITE(personal_data_repository)

namespace {
std::string lower_text_of(const std::string& url) {
    auto lower = kal::test::dump_all_text(url);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return lower;
}
}  // namespace

BOOST_AUTO_TEST_CASE(anonymised_and_erased_sign_ups_leave_no_trace) {
    fresh_store f;
    auto past = meeting_with_capacity(f, 1);
    auto future = f.db->create_meeting(at(f.org("Framtidsföreningen"), t0 + 30 * day, t0 + 30 * day + hour),
                                       venue_overlap::refuse)
                      .id;
    const std::vector<std::string> names{"Astrid Lindqvist", "Bengt Örnberg", "Cecilia Åkesson"};
    const std::vector<std::string> emails{"astrid.lindqvist@example.se", "bengt.ornberg@example.se",
                                          "cecilia.akesson@example.se"};
    auto association = f.org("Föreningen Ängsbacken");
    std::vector<std::string> hashes;
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto r = person(past, emails[i], 1, association);
        r.name = names[i];
        r.needs = "Hörslinga för " + names[i];
        hashes.push_back("manage-hash-of-" + emails[i]);
        f.db->sign_up(r, hashes.back());
    }
    f.db->cancel_rsvp(f.db->list_rsvps(past, {rsvp_status::waitlisted}, std::nullopt).back().id);
    auto stays = person(future, "dagny.kvist@example.se");
    stays.name = "Dagny Kvist";
    f.db->sign_up(stays, fresh_token_hash());
    auto counts = [&](db_id m) {
        std::vector<std::size_t> out;
        for (auto st : all_rsvp_statuses) out.push_back(with_status(*f.db, m, st).size());
        return out;
    };
    auto before = counts(past);

    f.db->now = t0 + 4 * hour;
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 3);
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 0);
    auto text = kal::test::dump_all_text(f.url);
    for (std::size_t i = 0; i < names.size(); ++i) {
        BOOST_TEST(text.find(names[i]) == std::string::npos, names[i]);
        BOOST_TEST(text.find(emails[i]) == std::string::npos, emails[i]);
        BOOST_TEST(!f.db->find_rsvp_by_token_hash(hashes[i]));
    }
    BOOST_TEST(text.find("Hörslinga") == std::string::npos);
    BOOST_TEST(text.find("Dagny Kvist") != std::string::npos);  // a meeting yet to come is kept
    BOOST_TEST(counts(past) == before, boost::test_tools::per_element());
    for (const auto& r : f.db->list_rsvps(past, {}, std::nullopt)) {
        BOOST_TEST(*r.anonymised_at == t0 + 4 * hour);
        BOOST_TEST(*r.organisation_id == association);
        BOOST_TEST(r.party_size == 1);
    }
    f.db->now = before_start;

    // Erasure: every sign-up of the address, whatever its letter case, and the seat it held moves on.
    auto other = meeting_with_capacity(f, 1);
    auto held = sign(*f.db, other, "Karin.Svensson@Example.se").stored;
    auto waiting = sign(*f.db, other, "next@example.se").stored;
    auto cancelled = sign(*f.db, future, "karin.svensson@example.se").stored;
    f.db->cancel_rsvp(cancelled.id);
    sign(*f.db, future, "KARIN.SVENSSON@example.se");
    auto erased = f.db->erase_rsvps_of("karin.Svensson@EXAMPLE.se");
    BOOST_TEST(erased.erased == 3);
    BOOST_TEST(ids_of(erased.promoted) == (std::vector<db_id>{waiting.id}), boost::test_tools::per_element());
    BOOST_TEST(erased.promoted[0].email == "next@example.se");
    BOOST_TEST(!f.db->find_rsvp(held.id));
    BOOST_TEST(f.db->find_rsvp(waiting.id)->status == rsvp_status::confirmed);
    BOOST_TEST(lower_text_of(f.url).find("karin.svensson") == std::string::npos);
    BOOST_TEST(f.db->erase_rsvps_of("karin.svensson@example.se").erased == 0);
}

BOOST_AUTO_TEST_CASE(a_holder_erases_their_sign_up_and_an_admin_sees_all_of_an_address) {
    fresh_store f;
    auto m = meeting_with_capacity(f, 1);
    auto held = sign(*f.db, m, "Karin@Example.se").stored;
    auto next = sign(*f.db, m, "next@example.se").stored;
    auto other = meeting_with_capacity(f, std::nullopt);
    auto second = sign(*f.db, other, "karin@example.se").stored;
    checkin c;
    c.meeting_id = other;
    c.rsvp_id = second.id;
    f.db->check_in(c);
    auto data = f.db->personal_data_of("KARIN@example.se");
    BOOST_TEST(data.rsvps.size() == 2u);
    BOOST_TEST(data.checkins.size() == 1u);
    BOOST_TEST(data.rsvps[0].email == "Karin@Example.se");

    auto erased = f.db->erase_rsvp(held.id);
    BOOST_TEST(erased.erased == 1);
    BOOST_TEST(ids_of(erased.promoted) == (std::vector<db_id>{next.id}), boost::test_tools::per_element());
    BOOST_TEST(!f.db->find_rsvp(held.id));
    BOOST_TEST(f.db->find_rsvp(next.id)->status == rsvp_status::confirmed);  // the seat moved on
    BOOST_CHECK_THROW(f.db->erase_rsvp(held.id), not_found);
    BOOST_TEST(f.db->erase_rsvps_of("karin@example.se").erased == 1);
    BOOST_TEST(f.db->list_checkins(other).empty());
    BOOST_TEST(lower_text_of(f.url).find("karin@") == std::string::npos);
    BOOST_TEST(f.db->personal_data_of("karin@example.se").rsvps.empty());
}

BOOST_AUTO_TEST_CASE(anonymisation_blanks_walk_ins_and_keeps_their_counts) {
    fresh_store f;
    auto association = f.org("Föreningen Ängsbacken");
    auto m = meeting_with_capacity(f, std::nullopt);
    auto r = sign(*f.db, m, "signe.berg@example.se", 2, association).stored;
    checkin by_rsvp;
    by_rsvp.meeting_id = m;
    by_rsvp.rsvp_id = r.id;
    f.db->check_in(by_rsvp);
    checkin walk_in;
    walk_in.meeting_id = m;
    walk_in.name = "Yngve Grönkvist";
    walk_in.organisation_id = association;
    f.db->check_in(walk_in);
    auto before = f.db->attendance_of({m}).at(0);
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 1);
    auto text = kal::test::dump_all_text(f.url);
    BOOST_TEST(text.find("Yngve") == std::string::npos);
    BOOST_TEST(text.find("yngve") == std::string::npos);
    BOOST_TEST(text.find("signe.berg") == std::string::npos);
    auto after = f.db->attendance_of({m}).at(0);
    BOOST_TEST((after.checked_in == before.checked_in));
    BOOST_TEST((after.walk_ins == before.walk_ins));
    BOOST_TEST(after.organisations.size() == 1u);
    BOOST_TEST((after.organisations[0].attended == head_count{2, 3}));
    for (const auto& c : f.db->list_checkins(m)) BOOST_TEST(c.anonymised_at.has_value());
}

BOOST_AUTO_TEST_CASE(anonymisation_and_erasure_reach_the_outbox) {
    fresh_store f;
    auto m = meeting_with_capacity(f, std::nullopt);
    auto other = meeting_with_capacity(f, std::nullopt);
    auto fresh = meeting_with_capacity(f, std::nullopt);
    // A message with a link of its own per sign-up, as the application layer writes them.
    auto sign_with_message = [&](db_id meeting, const std::string& email, const std::string& secret) {
        return f.db->write([&](unit_of_work& w) {
            auto r = rsvps{w}.sign_up(person(meeting, email), fresh_token_hash()).stored;
            new_message msg;
            msg.kind = message_kind::confirmed;
            msg.meeting_id = meeting;
            msg.rsvp_id = r.id;
            msg.recipient = r.email;
            msg.dedup_key = "confirmed:" + std::to_string(r.id);
            msg.message_id = "<kal.confirmed." + std::to_string(r.id) + "@example.se>";
            msg.link_token = secret;
            BOOST_TEST(outbox{w}.enqueue(msg));
            rsvps{w}.add_link_token(r.id, "link-hash-of-" + secret);
            return r;
        });
    };
    sign_with_message(m, "vera.vinge@example.se", "secret-vera");
    sign_with_message(other, "erik.eld@example.se", "secret-erik");
    BOOST_TEST(f.db->anonymise_rsvps_before(t0 + 3 * hour) == 2);
    auto text = kal::test::dump_all_text(f.url);
    BOOST_TEST(text.find("vera.vinge") == std::string::npos);
    BOOST_TEST(text.find("secret-") == std::string::npos);
    BOOST_TEST(!f.db->find_rsvp_by_token_hash("link-hash-of-secret-vera"));
    BOOST_TEST(count_rows(f.url, "rsvp_tokens") == 0);
    auto kept = f.db->list_messages(m);
    BOOST_TEST_REQUIRE(kept.size() == 1u);  // the record of what was sent stays, without the address
    BOOST_TEST(kept[0].recipient.empty());
    auto e = sign_with_message(fresh, "Karl.Kvarn@example.se", "secret-karl");
    BOOST_TEST(f.db->list_messages(fresh).size() == 1u);
    f.db->erase_rsvp(e.id);
    BOOST_TEST(f.db->list_messages(fresh).empty());
    BOOST_TEST(count_rows(f.url, "rsvp_tokens") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
BOOST_AUTO_TEST_SUITE_END()

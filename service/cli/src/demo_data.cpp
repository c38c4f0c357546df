// Writes a demo plan (demo_plan.cpp) and invents who signs up and who comes.
//
// The directory and the meetings are one unit of work at the plan's founding instant. Sign-ups,
// cancellations and check-ins follow in time order, each round in a unit of its own at the
// instant it happened, because the repositories stamp and judge by the unit's instant (a sign-up
// is refused once its meeting has started). A failure removes what the load wrote.
//
// People are drawn from the catalogue's invented ones with a generator seeded per meeting (by its
// title and local start), so a meeting gets the same people whenever the demo is loaded.

#include "kal/service/cli/demo_data.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <tuple>

#include "demo_catalogue.hpp"
#include "kal/db/attendance.hpp"
#include "kal/db/directory.hpp"
#include "kal/db/meetings.hpp"
#include "kal/db/rsvps.hpp"
#include "kal/service/app/access.hpp"

namespace kal::service::cli {

namespace {

namespace catalogue = demo::catalogue;

constexpr const char* city_slug = "boras-stad-overenskommelsen";

// splitmix64: small, and the same sequence on every platform (std's distributions are not).
struct generator {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool one_in(std::size_t n) { return below(n) == 0; }
};

std::uint64_t seed_of(const db::meeting_fields& f) {  // FNV-1a
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : f.title + '\n' + f.start_local) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h;
}

// A stored meeting and what happens to it.
struct tracked {
    db::id_t id = 0;
    const db::meeting_fields* fields = nullptr;
    const demo::turnout* who = nullptr;
    std::optional<std::int64_t> cancelled_at;
    std::optional<int> quota;
    bool in_series = false;  // removed with its series
    // Sign-up state between rounds: the order people are asked in, how far down it we are, who
    // holds an active sign-up (with the quota key and party), the quota used per key.
    generator random{0};
    std::vector<std::size_t> order;
    std::size_t asked = 0;
    struct active {
        db::id_t rsvp = 0;
        std::string key;
        int party = 1;
    };
    std::vector<active> sign_ups;
    std::map<std::string, int> used;
};

std::string quota_key(const catalogue::person& p) {
    if (p.organisation) return "#" + std::to_string(*p.organisation);
    return p.organisation_name.empty() ? std::string() : "=" + p.organisation_name;
}

enum class step { sign_ups, cancel_meeting, check_ins };

struct event {
    std::int64_t at = 0;
    step what = step::sign_ups;
    std::size_t meeting = 0;  // index into the tracked meetings
    std::size_t wave = 0;
    auto key() const { return std::tie(at, what, meeting, wave); }
};

class loader {
public:
    loader(db::database& database, const demo::plan& plan) : database_(database), plan_(plan) {}

    demo_summary run() {
        write_directory_and_meetings();
        try {
            const auto all = events();
            for (std::size_t i = 0; i < all.size();) {
                const auto& e = all[i];
                if (e.what == step::sign_ups) {
                    // All rounds at this instant (a meeting has at most one) in one unit of work.
                    std::vector<round> rounds;
                    for (; i < all.size() && all[i].what == step::sign_ups && all[i].at == e.at; ++i) {
                        auto& m = meetings_[all[i].meeting];
                        rounds.push_back(prepare(m, m.who->waves[all[i].wave]));
                    }
                    sign_up(e.at, rounds);
                    continue;
                }
                if (e.what == step::cancel_meeting)
                    cancel(meetings_[e.meeting], e.at);
                else
                    check_in(meetings_[e.meeting]);
                ++i;
            }
        } catch (...) {
            remove_everything();
            throw;
        }
        summary_.loaded = true;
        summary_.organiser_organisation = organisation_ids_.at(plan_.city);
        summary_.meetings = static_cast<int>(meetings_.size());
        return summary_;
    }

private:
    void write_directory_and_meetings() {
        database_.write(plan_.founded_at, [&](db::unit_of_work& w) {
            organisation_ids_.clear();
            network_ids_.clear();
            venue_ids_.clear();
            meetings_.clear();
            fields_.clear();
            series_id_.reset();
            for (const auto& o : plan_.organisations) organisation_ids_.push_back(db::organisations{w}.create(o).id);
            for (const auto& n : plan_.networks) {
                auto network = n.network;
                for (auto i : n.owners) network.organisation_ids.push_back(organisation_ids_.at(i));
                std::sort(network.organisation_ids.begin(), network.organisation_ids.end());
                network_ids_.push_back(db::networks{w}.create(network).id);
            }
            for (const auto& v : plan_.venues) {
                auto venue = v.venue;
                if (v.owner) venue.organisation_id = organisation_ids_.at(*v.owner);
                venue_ids_.push_back(db::venues{w}.create(venue).id);
            }
            db::meetings meetings{w};
            db::rsvps rsvps{w};
            for (const auto& m : plan_.meetings) {
                db::meeting stored;
                static_cast<db::meeting_fields&>(stored) = resolve(m.fields, m.organiser, m.venue, m.networks);
                // The plan's venues are free whenever they are booked (its tests check); overlaps
                // are allowed here so that no date can stop the demo from loading.
                stored = meetings.create(stored, db::venue_overlap::allow);
                if (m.quota) rsvps.set_quota(stored.id, m.quota);
                track(stored.id, m.fields, m.who, m.cancelled_at, m.quota, false);
            }
            const auto& s = plan_.series;
            auto series = s.series;
            series.fields = resolve(s.series.fields, s.organiser, s.venue, s.networks);
            series_id_ = meetings.create_series(series, s.occurrences, db::venue_overlap::allow).id;
            db::meeting_filter f;
            f.series_id = series_id_;
            f.include_all_drafts = true;
            f.limit = 1000;
            auto occurrences = meetings.list(f).items;
            for (std::size_t i = 0; i < s.occurrences.size(); ++i) {
                auto it = std::find_if(occurrences.begin(), occurrences.end(), [&](const db::meeting& o) {
                    return o.recurrence_id == s.occurrences[i].recurrence_id;
                });
                if (it == occurrences.end()) throw std::logic_error("demo: an occurrence of the series is missing");
                track(it->id, *it, s.turnouts[i], std::nullopt, std::nullopt, true);
            }
        });
    }

    db::meeting_fields resolve(db::meeting_fields f, std::size_t organiser, std::optional<std::size_t> venue,
                               const std::vector<std::size_t>& networks) const {
        f.organisation_id = organisation_ids_.at(organiser);
        if (venue) f.venue_id = venue_ids_.at(*venue);
        for (auto n : networks) f.network_ids.push_back(network_ids_.at(n));
        std::sort(f.network_ids.begin(), f.network_ids.end());
        return f;
    }

    void track(db::id_t id, const db::meeting_fields& fields, const demo::turnout& who,
               std::optional<std::int64_t> cancelled_at, std::optional<int> quota, bool in_series) {
        tracked t;
        t.id = id;
        fields_.push_back(fields);  // a copy that stays put: a deque keeps references valid
        t.fields = &fields_.back();
        t.in_series = in_series;
        t.who = &who;
        t.cancelled_at = cancelled_at;
        t.quota = quota;
        t.random.state = seed_of(fields);
        const auto& people = catalogue::people();
        t.order.resize(people.size());
        for (std::size_t i = 0; i < t.order.size(); ++i) t.order[i] = i;
        for (std::size_t i = t.order.size() - 1; i > 0; --i) std::swap(t.order[i], t.order[t.random.below(i + 1)]);
        meetings_.push_back(std::move(t));
    }

    std::vector<event> events() const {
        std::vector<event> out;
        for (std::size_t i = 0; i < meetings_.size(); ++i) {
            const auto& m = meetings_[i];
            for (std::size_t w = 0; w < m.who->waves.size(); ++w)
                out.push_back({m.who->waves[w].at, step::sign_ups, i, w});
            if (m.cancelled_at) out.push_back({*m.cancelled_at, step::cancel_meeting, i, 0});
            if (m.who->held) out.push_back({m.fields->start_utc, step::check_ins, i, 0});
        }
        std::sort(out.begin(), out.end(), [](const event& a, const event& b) { return a.key() < b.key(); });
        return out;
    }

    // One meeting's round of sign-ups and cancellations, decided before its unit of work; the
    // meeting's state changes only once the unit has committed, so that a retried unit does the same.
    struct round {
        tracked* meeting = nullptr;
        generator random{0};
        std::size_t asked = 0;
        std::map<std::string, int> used;
        std::vector<db::rsvp> wanted;
        std::vector<std::string> keys, hashes;
        std::vector<std::size_t> cancelled;  // indices into meeting->sign_ups
    };

    round prepare(tracked& m, const demo::sign_up_wave& plan) const {
        const auto& people = catalogue::people();
        round r{&m, m.random, m.asked, m.used, {}, {}, {}, {}};
        while (static_cast<int>(r.wanted.size()) < plan.sign_ups && r.asked < m.order.size()) {
            const auto& p = people[m.order[r.asked++]];
            db::rsvp s;
            s.meeting_id = m.id;
            s.name = p.name;
            s.email = p.email;
            s.organisation_id = p.organisation ? std::optional(organisation_ids_.at(*p.organisation)) : std::nullopt;
            s.organisation_name = p.organisation_name;
            s.party_size = r.random.one_in(6) ? 2 : 1;
            s.language = r.random.one_in(7) ? db::language::en : db::language::sv;
            if (r.random.one_in(8)) s.needs = catalogue::needs()[r.random.below(catalogue::needs().size())];
            const auto key = quota_key(p);
            if (m.quota && !key.empty()) {
                if (r.used[key] + s.party_size > *m.quota) continue;  // the organisation's places are taken
                r.used[key] += s.party_size;
            }
            r.wanted.push_back(std::move(s));
            r.keys.push_back(key);
            r.hashes.push_back(app::hash_secret(app::new_secret(app::secret_kind::sign_up_link)));
        }
        for (int i = 0; i < plan.cancellations && m.sign_ups.size() > r.cancelled.size(); ++i) {
            std::size_t pick;
            do pick = r.random.below(m.sign_ups.size());
            while (std::find(r.cancelled.begin(), r.cancelled.end(), pick) != r.cancelled.end());
            r.cancelled.push_back(pick);
        }
        return r;
    }

    void commit(round& r, const std::vector<db::id_t>& ids) {
        auto& m = *r.meeting;
        std::sort(r.cancelled.rbegin(), r.cancelled.rend());
        for (auto c : r.cancelled) {
            const auto& gone = m.sign_ups[c];
            if (m.quota && !gone.key.empty()) r.used[gone.key] -= gone.party;
            m.sign_ups.erase(m.sign_ups.begin() + static_cast<std::ptrdiff_t>(c));
        }
        for (std::size_t i = 0; i < ids.size(); ++i) m.sign_ups.push_back({ids[i], r.keys[i], r.wanted[i].party_size});
        m.random = r.random;
        m.asked = r.asked;
        m.used = std::move(r.used);
        summary_.sign_ups += static_cast<int>(ids.size());
    }

    // The rounds of several meetings at one instant, in one unit of work.
    void sign_up(std::int64_t at, std::vector<round>& rounds) {
        auto ids = database_.write(at, [&](db::unit_of_work& w) {
            db::rsvps rsvps{w};
            std::vector<std::vector<db::id_t>> stored(rounds.size());
            for (std::size_t k = 0; k < rounds.size(); ++k) {
                const auto& r = rounds[k];
                for (std::size_t i = 0; i < r.wanted.size(); ++i)
                    stored[k].push_back(rsvps.sign_up(r.wanted[i], r.hashes[i]).stored.id);
                for (auto c : r.cancelled) rsvps.cancel(r.meeting->sign_ups[c].rsvp);
            }
            return stored;
        });
        for (std::size_t k = 0; k < rounds.size(); ++k) commit(rounds[k], ids[k]);
    }

    void cancel(const tracked& m, std::int64_t at) {
        database_.write(at, [&](db::unit_of_work& w) { db::meetings{w}.cancel(m.id); });
    }

    // At the door: most who had a seat came, some did not, a few came without signing up.
    void check_in(tracked& m) {
        const auto& people = catalogue::people();
        auto count = database_.write(m.fields->start_utc, [&](db::unit_of_work& w) {
            auto random = m.random;  // a retried unit draws the same
            int n = 0;
            db::attendance attendance{w};
            for (const auto& r : db::rsvps{w}.list(m.id, {db::rsvp_status::confirmed})) {
                if (random.one_in(5)) continue;  // a no-show
                db::checkin c;
                c.meeting_id = m.id;
                c.rsvp_id = r.id;
                attendance.check_in(c);
                ++n;
            }
            const std::size_t walk_ins = random.below(4);
            for (std::size_t i = 0; i < walk_ins && m.asked + i < m.order.size(); ++i) {
                const auto& p = people[m.order[m.asked + i]];  // someone who had not signed up
                db::checkin c;
                c.meeting_id = m.id;
                c.name = p.name;
                if (p.organisation) c.organisation_id = organisation_ids_.at(*p.organisation);
                c.organisation_name = p.organisation_name;
                attendance.check_in(c);
                ++n;
            }
            return n;
        });
        summary_.check_ins += count;
    }

    // Undoes a load that failed half-way, in one unit: the meetings (with their sign-ups and
    // check-ins), the series, the venues, the networks and the organisations.
    void remove_everything() noexcept {
        try {
            database_.write(plan_.now, [&](db::unit_of_work& w) {
                db::meetings meetings{w};
                if (series_id_) meetings.remove_series(*series_id_);
                for (const auto& m : meetings_)
                    if (!m.in_series) meetings.remove(m.id);
                for (auto id : venue_ids_) db::venues{w}.remove(id);
                for (auto id : network_ids_) db::networks{w}.remove(id);
                for (auto id : organisation_ids_) db::organisations{w}.remove(id);
            });
        } catch (...) {
            // The original error is the one worth reporting.
        }
    }

    db::database& database_;
    const demo::plan& plan_;
    std::vector<db::id_t> organisation_ids_, network_ids_, venue_ids_;
    std::optional<db::id_t> series_id_;
    std::deque<db::meeting_fields> fields_;
    std::vector<tracked> meetings_;
    demo_summary summary_;
};

}  // namespace

demo_summary load_demo_data(db::database& database, const config::settings& settings, std::int64_t now) {
    demo_summary summary;
    db::organisation_filter any;
    any.limit = 1;
    bool empty = database.read([&](db::unit_of_work& w) {
        if (!db::organisations{w}.list(any).items.empty()) {
            if (auto city = db::organisations{w}.find_by_slug(city_slug)) summary.organiser_organisation = city->id;
            return false;
        }
        return true;
    });
    if (!empty) return summary;
    const auto plan = demo::make_plan(settings, now);
    return loader(database, plan).run();
}

}  // namespace kal::service::cli

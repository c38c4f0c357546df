#include "kal/service/app/render_cache.hpp"

#include <string_view>

#include "kal/db/feeds.hpp"
#include "kal/service/app/access.hpp"

namespace kal::service::app {

render_cache::render_cache(const config::settings& settings, const db::database& database)
    : settings_(settings), database_(database) {}

const rendered_answer* render_cache::touch(const std::string& key, std::map<std::string, slot>::iterator& it) {
    it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    uses_.splice(uses_.begin(), uses_, it->second.use);
    return it->second.answer.get();
}

std::shared_ptr<const rendered_answer> render_cache::fresh(const std::string& key, const std::string& day) {
    const auto local_writes = database_.local_feed_commits();
    std::lock_guard lock(mutex_);
    if (known_counter_ < 0 || local_writes != known_local_writes_ ||
        std::chrono::steady_clock::now() - checked_at_ > settings_.feeds.change_poll_interval)
        return nullptr;
    std::map<std::string, slot>::iterator it;
    auto a = touch(key, it);
    if (!a || a->change_counter != known_counter_ || a->day != day || std::chrono::steady_clock::now() >= a->expires)
        return nullptr;
    return it->second.answer;
}

std::uint64_t render_cache::before_counter_read() const { return database_.local_feed_commits(); }

void render_cache::observed(std::int64_t counter, std::uint64_t local_writes_before) {
    std::lock_guard lock(mutex_);
    known_counter_ = counter;
    known_local_writes_ = local_writes_before;
    checked_at_ = std::chrono::steady_clock::now();
}

std::shared_ptr<const rendered_answer> render_cache::at(const std::string& key, std::int64_t counter,
                                                        const std::string& day) {
    std::lock_guard lock(mutex_);
    std::map<std::string, slot>::iterator it;
    auto a = touch(key, it);
    if (!a || a->change_counter != counter || a->day != day || std::chrono::steady_clock::now() >= a->expires)
        return nullptr;
    return it->second.answer;
}

std::shared_ptr<const rendered_answer> render_cache::store(const std::string& key, rendered_answer answer) {
    answer.etag = "\"" + content_hash(*answer.body) + "\"";
    if (!answer.sendable && attach_) answer.sendable = attach_(*answer.body);
    // The body, once more for its memory file, the key twice (map and use list) and what the
    // entry's bookkeeping takes besides.
    const std::size_t cost =
        answer.body->size() * (answer.sendable ? 2 : 1) + 2 * key.size() + answer.etag.size() + 512;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    // The same bytes keep the time they were first served, so If-Modified-Since stays honest.
    if (it != entries_.end() && it->second.answer->etag == answer.etag)
        answer.last_modified = it->second.answer->last_modified;
    auto entry = std::make_shared<const rendered_answer>(std::move(answer));
    if (it != entries_.end()) {
        memory_ -= it->second.cost;
        uses_.erase(it->second.use);
        entries_.erase(it);
    }
    // An answer larger than the whole budget is served but not kept.
    if (cost > settings_.feeds.cache_memory) return entry;
    while (!uses_.empty() && (entries_.size() >= static_cast<std::size_t>(settings_.feeds.cache_entries) ||
                              memory_ + cost > settings_.feeds.cache_memory)) {
        auto oldest = entries_.find(uses_.back());
        memory_ -= oldest->second.cost;
        entries_.erase(oldest);
        uses_.pop_back();
    }
    uses_.push_front(key);
    entries_.emplace(key, slot{entry, cost, uses_.begin()});
    memory_ += cost;
    return entry;
}

std::size_t render_cache::memory_used() {
    std::lock_guard lock(mutex_);
    return memory_;
}

std::size_t render_cache::size() {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void render_cache::attach_with(std::function<std::shared_ptr<const void>(const std::string& body)> make) {
    std::lock_guard lock(mutex_);
    attach_ = std::move(make);
}

bool may_use_shared_cache(const std::optional<std::string>& authorization, const std::optional<std::string>& cookie) {
    if (authorization) return false;
    if (!cookie) return true;
    // Cookie: a=1; kal_session=...; the names as session_cookie_for gives them, over http and https.
    std::string_view rest = *cookie;
    while (!rest.empty()) {
        auto end = rest.find(';');
        auto pair = rest.substr(0, end);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
        auto name = pair.substr(0, pair.find('='));
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (name == "kal_session" || name == "__Host-kal_session") return false;
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return true;
}

std::shared_ptr<const rendered_answer> cached_render(context& ctx, const std::string& key, const std::string& day,
                                                     std::chrono::milliseconds max_age,
                                                     const std::function<std::optional<rendered_answer>()>& render) {
    auto& cache = ctx.cache();
    const auto local_writes = cache.before_counter_read();
    const auto counter = ctx.database.read([](db::unit_of_work& w) { return db::feeds{w}.change_counter(); });
    cache.observed(counter, local_writes);
    if (auto hit = cache.at(key, counter, day)) return hit;
    const auto expires = std::chrono::steady_clock::now() + max_age;
    auto answer = render();
    if (!answer) return nullptr;
    answer->change_counter = counter;
    answer->day = day;
    answer->expires = expires;
    return cache.store(key, std::move(*answer));
}

}  // namespace kal::service::app

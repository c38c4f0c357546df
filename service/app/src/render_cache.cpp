#include "kal/service/app/render_cache.hpp"

#include "kal/db/feeds.hpp"
#include "kal/service/app/access.hpp"

namespace kal::service::app {

render_cache::render_cache(const config::settings& settings, const db::database& database)
    : settings_(settings), database_(database) {}

std::shared_ptr<const rendered_answer> render_cache::fresh(const std::string& key, const std::string& day) {
    const auto local_writes = database_.local_feed_commits();
    std::lock_guard lock(mutex_);
    if (known_counter_ < 0 || local_writes != known_local_writes_ ||
        std::chrono::steady_clock::now() - checked_at_ > settings_.feeds.change_poll_interval)
        return nullptr;
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second->change_counter != known_counter_ || it->second->day != day ||
        std::chrono::steady_clock::now() >= it->second->expires)
        return nullptr;
    return it->second;
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
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second->change_counter != counter || it->second->day != day ||
        std::chrono::steady_clock::now() >= it->second->expires)
        return nullptr;
    return it->second;
}

std::shared_ptr<const rendered_answer> render_cache::store(const std::string& key, rendered_answer answer) {
    answer.etag = "\"" + content_hash(*answer.body) + "\"";
    if (!answer.sendable && attach_) answer.sendable = attach_(*answer.body);
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    // The same bytes keep the time they were first served, so If-Modified-Since stays honest.
    if (it != entries_.end() && it->second->etag == answer.etag) answer.last_modified = it->second->last_modified;
    auto entry = std::make_shared<const rendered_answer>(std::move(answer));
    if (it != entries_.end()) {
        it->second = entry;
    } else {
        if (entries_.size() >= static_cast<std::size_t>(settings_.feeds.cache_entries)) entries_.erase(entries_.begin());
        entries_.emplace(key, entry);
    }
    return entry;
}

void render_cache::attach_with(std::function<std::shared_ptr<const void>(const std::string& body)> make) {
    std::lock_guard lock(mutex_);
    attach_ = std::move(make);
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

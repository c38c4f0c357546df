#include "kal/service/mail/smtp.hpp"

#include "kal/service/mail/message.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>

namespace kal::service::mail {

namespace {

// curl_global_init is not thread-safe in libcurl 7.88 and must run before any easy handle.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl cannot start");
    });
}

struct upload {
    std::string_view data;
    std::size_t sent = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* u = static_cast<upload*>(user);
    const std::size_t n = std::min(size * count, u->data.size() - u->sent);
    std::memcpy(buffer, u->data.data() + u->sent, n);
    u->sent += n;
    return n;
}

// libcurl's own words for logs, without anything that looks like an address: its messages name
// hosts and reply codes, and a server's reply text (which may quote the recipient) never reaches
// them in 7.88, but the rule is cheap to hold here whatever a later version says.
std::string scrub(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view word = text.substr(pos, end - pos);
        out += word.find('@') != std::string_view::npos ? std::string_view("[address]") : word;
        if (end < text.size()) out += ' ';
        pos = end + 1;
    }
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    }
    if (out.size() > 300) out.resize(300);
    return out;
}

CURL* handle(void* p) { return static_cast<CURL*>(p); }

}  // namespace

smtp_sender::smtp_sender(smtp_settings s) : settings_(std::move(s)) {
    if (!settings_.url.starts_with("smtp://") && !settings_.url.starts_with("smtps://"))
        throw std::invalid_argument("mail server URL must start with smtp:// or smtps://");
    long use_ssl = CURLUSESSL_NONE;
    if (settings_.tls == "starttls")
        use_ssl = CURLUSESSL_ALL;
    else if (settings_.tls == "try")
        use_ssl = CURLUSESSL_TRY;
    else if (settings_.tls != "none")
        throw std::invalid_argument("mail TLS must be none, starttls or try");

    global_init();
    curl_ = curl_easy_init();
    if (curl_ == nullptr) throw std::runtime_error("libcurl cannot create a handle");
    CURL* c = handle(curl_);
    const long timeout_ms = static_cast<long>(std::max<std::int64_t>(1, settings_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, settings_.verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, settings_.verify_peer ? 2L : 0L);
    if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    // Worker threads must not get SIGALRM from the resolver, nor SIGPIPE (libcurl ignores it
    // around its own socket calls when NOSIGNAL is set).
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    // Servers drop idle sessions after a few minutes; a connection older than this is not reused.
    curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 60L);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_message);
}

smtp_sender::~smtp_sender() {
    if (curl_ != nullptr) curl_easy_cleanup(handle(curl_));  // says QUIT on an open connection
}

send_result smtp_sender::send(const std::string& envelope_from, const std::string& recipient,
                              const std::string& message_bytes) {
    send_result result;
    // The addresses go into SMTP commands: one with a line break could add a command of its own.
    if (!is_valid_address(recipient)) {
        result.permanent = true;
        result.error = "recipient address is not valid";
        return result;
    }
    if (!envelope_from.empty() && !is_valid_address(envelope_from)) {
        result.error = "envelope sender address is not valid";  // a setting: fixable, so transient
        return result;
    }

    CURL* c = handle(curl_);
    const std::string from = "<" + envelope_from + ">";
    curl_slist* recipients = curl_slist_append(nullptr, ("<" + recipient + ">").c_str());
    if (recipients == nullptr) throw std::bad_alloc();
    upload body{message_bytes};
    char error_buffer[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(c, CURLOPT_READDATA, &body);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message_bytes.size()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

    const CURLcode code = curl_easy_perform(c);

    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    // Nothing set for this send may outlive it in the handle.
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, static_cast<curl_slist*>(nullptr));
    curl_easy_setopt(c, CURLOPT_READDATA, static_cast<void*>(nullptr));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    curl_slist_free_all(recipients);

    result.smtp_code = static_cast<int>(reply);
    if (code == CURLE_OK) {
        result.ok = true;
        return result;
    }
    // A refused login is a 535 too, but it says nothing about this message: the operator fixes
    // the password and the message goes out then.
    result.login_refused = code == CURLE_LOGIN_DENIED;
    result.permanent = reply >= 500 && reply < 600 && !result.login_refused;
    result.error = result.login_refused ? "SMTP login refused; check mail.username and mail.password"
                                        : curl_easy_strerror(code);
    if (error_buffer[0] != '\0') result.error += std::string(": ") + error_buffer;
    if (reply != 0) result.error += " (SMTP reply " + std::to_string(reply) + ")";
    result.error = scrub(result.error);
    return result;
}

}  // namespace kal::service::mail

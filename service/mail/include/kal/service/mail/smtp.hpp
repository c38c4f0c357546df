#pragma once
// Sending rendered messages (mail::render) to an SMTP server with libcurl.

#include <chrono>
#include <string>

namespace kal::service::mail {

struct smtp_settings {
    std::string url;                 // smtp://host:port (plain or STARTTLS) or smtps://host:port (implicit TLS)
    std::string tls = "none";        // none | starttls (required, or the send fails) | try; ignored for smtps://
    std::string username, password;  // optional login (AUTH); empty username: none
    std::chrono::milliseconds timeout{30000};  // connecting, and the whole of one send
    bool verify_peer = true;
    std::string ca_file;        // PEM certificates to trust instead of the system's (a private CA)                   // certificate and host name
};

struct send_result {
    bool ok = false;
    // The server refused this message for good (a 5xx reply, an address it will never take):
    // retrying cannot help. Everything else (4xx, no connection, timeouts, TLS or login
    // trouble, which concern the server's settings rather than the message) is worth a retry.
    bool permanent = false;
    int smtp_code = 0;  // the last reply code received, 0 when none
    // The server refused the login (mail.username, mail.password): transient, but the operator's
    // to fix, and every message fails alike until then.
    bool login_refused = false;
    // For logs: what failed, with libcurl's words; never the message, never the addresses.
    std::string error;
};

// One per thread: it keeps libcurl's easy handle, and with it the connection, between sends, so
// a batch of messages goes over one SMTP session (curl closes the connection after any failed
// send, and does not reuse one that has been idle for more than a minute).
class smtp_sender {
public:
    // Throws std::invalid_argument for a tls value other than none|starttls|try or a url that is
    // not smtp:// or smtps://.
    explicit smtp_sender(smtp_settings s);
    ~smtp_sender();
    smtp_sender(const smtp_sender&) = delete;
    smtp_sender& operator=(const smtp_sender&) = delete;

    // envelope_from may be empty (the null reverse-path "<>", as for bounces); recipient must
    // pass is_valid_address, else the result is permanent without contacting the server.
    // message_bytes is sent as it is, CRLF lines; libcurl dot-stuffs lines that begin with '.'.
    send_result send(const std::string& envelope_from, const std::string& recipient, const std::string& message_bytes);

private:
    smtp_settings settings_;
    void* curl_ = nullptr;  // CURL*, kept out of this header
};

}  // namespace kal::service::mail

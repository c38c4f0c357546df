#pragma once
// QR codes as PNG pictures for e-mails (the check-in link of a sign-up), made with libqrencode
// and written as a 1-bit greyscale PNG with zlib. Pure: the same text gives the same bytes.

#include <string>
#include <string_view>

namespace kal::service::mail {

// A QR code of `text` (8-bit mode, error correction level M) with a quiet zone of four modules,
// each module `scale` pixels square. Throws std::invalid_argument for text that does not fit
// in a QR code (about 2,300 bytes at level M) and std::runtime_error if encoding fails.
std::string qr_png(std::string_view text, int scale = 6);

}  // namespace kal::service::mail

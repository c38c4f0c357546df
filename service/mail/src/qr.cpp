#include "kal/service/mail/qr.hpp"

#include <qrencode.h>
#include <zlib.h>

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <vector>

namespace kal::service::mail {

namespace {

constexpr int quiet_zone = 4;  // modules of white around the code (ISO/IEC 18004)

void put_u32(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v >> 24);
    out += static_cast<char>(v >> 16);
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v);
}

void chunk(std::string& out, std::string_view type, std::string_view data) {
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    std::string body(type);
    body += data;
    out += body;
    put_u32(out, static_cast<std::uint32_t>(
                     crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string qr_png(std::string_view text, int scale) {
    if (scale < 1 || scale > 32) throw std::invalid_argument("QR scale must be 1..32");
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code) {
        if (errno == ERANGE) throw std::invalid_argument("text too long for a QR code");
        throw std::runtime_error("QR encoding failed");
    }
    const int modules = code->width + 2 * quiet_zone;
    const int side = modules * scale;
    const int row_bytes = (side + 7) / 8;
    // Scanlines of 1-bit greyscale (0 black, 1 white), each after its filter byte (0: none).
    std::string raw;
    raw.reserve(static_cast<std::size_t>(side) * (row_bytes + 1));
    std::vector<unsigned char> row(row_bytes);
    for (int y = 0; y < side; ++y) {
        const int my = y / scale - quiet_zone;
        std::fill(row.begin(), row.end(), 0xFF);
        for (int x = 0; x < side; ++x) {
            const int mx = x / scale - quiet_zone;
            const bool dark = mx >= 0 && my >= 0 && mx < code->width && my < code->width &&
                              (code->data[my * code->width + mx] & 1);
            if (dark) row[x / 8] &= static_cast<unsigned char>(~(0x80 >> (x % 8)));
        }
        raw += '\0';
        raw.append(reinterpret_cast<const char*>(row.data()), row.size());
    }
    uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(packed_size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                  static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK)
        throw std::runtime_error("PNG compression failed");
    packed.resize(packed_size);

    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    put_u32(header, static_cast<std::uint32_t>(side));
    put_u32(header, static_cast<std::uint32_t>(side));
    header += '\x01';  // bit depth
    header += '\x00';  // colour type: greyscale
    header += '\x00';  // compression: deflate
    header += '\x00';  // filter method 0
    header += '\x00';  // no interlace
    chunk(png, "IHDR", header);
    chunk(png, "IDAT", packed);
    chunk(png, "IEND", {});
    return png;
}

}  // namespace kal::service::mail

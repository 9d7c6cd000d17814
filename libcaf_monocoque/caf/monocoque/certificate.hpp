#pragma once

#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/secret.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace caf::monocoque {

/// A CURVE certificate in CZMQ's `zcert` text format (ZPL, ZeroMQ RFC 4),
/// which pyzmq's `zmq.auth` reads and writes too:
///
/// ```
/// #   ZeroMQ CURVE Public Certificate
/// metadata
///     name = "alice"
/// curve
///     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
///     secret-key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
/// ```
///
/// A public certificate has no `secret-key` line; `save` writes it to FILE
/// and, when the certificate holds a secret key, the secret certificate to
/// FILE_secret with mode 0600 (as CZMQ's `zcert_save`). Comments start with
/// `#`; children are indented by four spaces per level; values are quoted
/// with `"` or `'`, or bare up to a comment. Sections other than `curve` and
/// `metadata` are ignored, as by CZMQ. Unlike CZMQ, loading checks that the
/// secret key (if any) belongs to the public key, refuses duplicate keys and
/// files over 64 KiB, and `load` reads exactly the file it is given (CZMQ's
/// `zcert_load` tries FILE_secret first).
///
/// Errors are `errc::invalid_certificate` (a file that cannot be read or
/// parsed; the context names the file and line, never a key) or
/// `errc::io_failure` (a file that cannot be written).
class certificate {
public:
  // -- member types -----------------------------------------------------------

  /// The `metadata` section: name/value pairs in file order.
  using metadata_list = std::vector<std::pair<std::string, std::string>>;

  // -- constructors -----------------------------------------------------------

  /// Creates an empty certificate (no keys).
  certificate() = default;

  /// Creates a certificate for `keys` (a secret certificate unless `keys`
  /// has no secret key).
  explicit certificate(curve_keypair keys) : keys_(std::move(keys)) {
    // nop
  }

  /// Returns a certificate with a fresh keypair.
  static expected<certificate> generate();

  /// Returns a public certificate of `public_key` (32 raw bytes or 40 Z85
  /// characters).
  static expected<certificate> from_public_key(std::string_view public_key);

  /// Parses the text of a certificate; `origin` prefixes error contexts
  /// (e.g. the file name).
  static expected<certificate> parse(std::string_view text,
                                     std::string_view origin = "certificate");

  /// Loads the certificate in the file at `path` (public or secret).
  static expected<certificate> load(const std::string& path);

  /// Loads the public certificates of the directory `path`: each regular
  /// file, in name order, except hidden files (a leading dot) and secret
  /// certificates (names ending in `_secret`; their public half is expected
  /// next to them, and secret keys are not needed to check peers). Only the
  /// public keys and metadata are kept. Files that fail to load are skipped,
  /// and described in `skipped` ("NAME: reason") if given. Fails if the
  /// directory cannot be read.
  static expected<std::vector<certificate>>
  load_directory(const std::string& path,
                 std::vector<std::string>* skipped = nullptr);

  // -- properties -------------------------------------------------------------

  /// Returns whether the certificate holds no public key.
  bool empty() const noexcept {
    return keys_.empty();
  }

  /// Returns the public key (32 raw bytes).
  const std::string& public_key() const noexcept {
    return keys_.public_key();
  }

  /// Returns the public key in Z85 (40 characters).
  std::string public_key_z85() const {
    return keys_.public_key_z85();
  }

  /// Returns whether the certificate holds a secret key.
  bool has_secret_key() const noexcept {
    return !keys_.secret_key().empty();
  }

  /// Returns the keypair (its secret key is empty in a public certificate).
  const curve_keypair& keys() const noexcept {
    return keys_;
  }

  /// Returns the `metadata` section.
  const metadata_list& metadata() const noexcept {
    return metadata_;
  }

  /// Returns the value of the metadata entry `name`, if any.
  std::optional<std::string> meta(std::string_view name) const;

  /// Sets (or replaces) a metadata entry. Fails with `invalid_certificate`
  /// if `name` is not a ZPL name (letters, digits and `$-_@.&+/`) or
  /// `value` cannot be written (a newline, or both quote characters).
  error set_meta(std::string name, std::string value);

  /// Returns the file this certificate was loaded from (empty otherwise).
  const std::string& origin() const noexcept {
    return origin_;
  }

  /// Returns a copy without the secret key.
  certificate public_part() const;

  // -- serialization ----------------------------------------------------------

  /// Returns the text of the public certificate.
  std::string public_text() const;

  /// Returns the text of the secret certificate (with both keys); empty if
  /// the certificate holds no secret key.
  secret secret_text() const;

  /// Writes the public certificate to `path` (mode 0644) and, if the
  /// certificate holds a secret key, the secret certificate to
  /// `path + "_secret"` (mode 0600). Files are replaced atomically.
  error save(const std::string& path) const;

  /// Writes the public certificate to `path` (mode 0644).
  error save_public(const std::string& path) const;

  /// Writes the secret certificate to `path` (mode 0600); fails without a
  /// secret key.
  error save_secret(const std::string& path) const;

private:
  curve_keypair keys_;
  metadata_list metadata_;
  std::string origin_;
};

} // namespace caf::monocoque

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(caf::monocoque::certificate)

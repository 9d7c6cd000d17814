// curve_keypair and certificate: key conversions (raw, Z85), CZMQ's zcert
// text format (parse and print), files (modes, atomic replace) and
// directories of public certificates, in a temporary directory.

#define CAF_SUITE certificate
#include "error_helpers.hpp"
#include "temp_dir.hpp"
#include "caf/monocoque/certificate.hpp"
#include "caf/monocoque/curve_keypair.hpp"
#include "caf/monocoque/errc.hpp"

#include <caf/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace caf;
using namespace caf::monocoque;

namespace {

using monocoque_test::context;
using monocoque_test::is;
using monocoque_test::temp_dir;

// The keypairs of libzmq's CURVE documentation and tests.
constexpr std::string_view server_public
  = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
constexpr std::string_view server_secret
  = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
constexpr std::string_view client_public
  = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::trunc};
  out << text;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return 0;
  return st.st_mode & 07777;
}

std::string server_cert_text() {
  return "#   ****  Generated on 2015-02-16 01:23:56 by CZMQ  ****\n"
         "#   ZeroMQ CURVE **Secret** Certificate\n"
         "\n"
         "metadata\n"
         "    name = \"server one\"    # a comment\n"
         "    email = 'ops@example.org'\n"
         "    role = admin\n"
         "curve\n"
         "    public-key = \""
         + std::string{server_public}
         + "\"\n"
           "    secret-key = \""
         + std::string{server_secret} + "\"\n";
}

} // namespace

CAF_TEST(a secret key gives its public key) {
  auto keys = curve_keypair::from_secret(secret{server_secret});
  CAF_REQUIRE(keys);
  CAF_CHECK_EQUAL(keys->public_key_z85(), server_public);
  CAF_CHECK_EQUAL(keys->public_key().size(), 32u);
  CAF_CHECK_EQUAL(keys->secret_key().size(), 32u);
  CAF_CHECK(keys->secret_key_z85().reveal_string() == server_secret);
  // The raw form of the same key gives the same pair.
  auto raw = curve_keypair::from_secret(keys->secret_key());
  CAF_REQUIRE(raw);
  CAF_CHECK_EQUAL(raw->public_key(), keys->public_key());
}

CAF_TEST(generated keypairs are fresh and consistent) {
  auto a = curve_keypair::generate();
  auto b = curve_keypair::generate();
  CAF_REQUIRE(a && b);
  CAF_CHECK_NOT_EQUAL(a->public_key(), b->public_key());
  auto again = curve_keypair::from_secret(a->secret_key());
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->public_key(), a->public_key());
  CAF_CHECK_EQUAL(a->public_key_z85().size(), 40u);
}

CAF_TEST(malformed keys are refused as invalid options) {
  auto short_key = curve_keypair::decode_public_key(server_public.substr(1));
  CAF_REQUIRE(!short_key);
  CAF_CHECK(is(short_key.error(), errc::invalid_option));
  CAF_CHECK_NOT_EQUAL(context(short_key.error()).find("39"),
                      std::string::npos);
  auto bad_char = curve_keypair::decode_public_key(
    std::string(39, 'a') + "\"");
  CAF_REQUIRE(!bad_char);
  CAF_CHECK(is(bad_char.error(), errc::invalid_option));
  auto zeros = curve_keypair::decode_public_key(std::string(32, '\0'));
  CAF_CHECK(!zeros);
  auto raw = curve_keypair::decode_public_key(std::string(32, 'k'));
  CAF_REQUIRE(raw);
  CAF_CHECK_EQUAL(*raw, std::string(32, 'k'));
  auto z85 = curve_keypair::decode_public_key(client_public);
  CAF_REQUIRE(z85);
  CAF_CHECK_EQUAL(curve_keypair::to_z85(*z85), client_public);
  auto bad_secret = curve_keypair::from_secret(secret{std::string_view{"x"}});
  CAF_REQUIRE(!bad_secret);
  CAF_CHECK(is(bad_secret.error(), errc::invalid_option));
}

CAF_TEST(a CZMQ certificate parses with its metadata) {
  auto cert = certificate::parse(server_cert_text());
  CAF_REQUIRE(cert);
  CAF_CHECK_EQUAL(cert->public_key_z85(), server_public);
  CAF_CHECK(cert->has_secret_key());
  CAF_CHECK(cert->keys().secret_key_z85().reveal_string() == server_secret);
  CAF_CHECK_EQUAL(cert->meta("name"), std::string{"server one"});
  CAF_CHECK_EQUAL(cert->meta("email"), std::string{"ops@example.org"});
  CAF_CHECK_EQUAL(cert->meta("role"), std::string{"admin"});
  CAF_CHECK_EQUAL(cert->metadata().size(), 3u);
  CAF_CHECK(!cert->meta("missing"));
  // CRLF line ends and unknown sections are fine; a public one has no
  // secret key.
  auto pub = certificate::parse("other\r\n    x = 1\r\ncurve\r\n"
                                "    public-key = \""
                                + std::string{client_public} + "\"\r\n");
  CAF_REQUIRE(pub);
  CAF_CHECK(!pub->has_secret_key());
  CAF_CHECK(pub->metadata().empty());
}

CAF_TEST(broken certificates are refused without quoting keys) {
  auto refused = [](const std::string& text, const std::string& why) {
    auto cert = certificate::parse(text, "f");
    CAF_CHECK(!cert);
    if (cert)
      return;
    CAF_CHECK(is(cert.error(), errc::invalid_certificate));
    auto ctx = context(cert.error());
    CAF_MESSAGE(ctx);
    CAF_CHECK_NOT_EQUAL(ctx.find(why), std::string::npos);
    CAF_CHECK_EQUAL(ctx.find(std::string{server_secret}), std::string::npos);
    CAF_CHECK_EQUAL(ctx.find(std::string{server_secret.substr(0, 10)}),
                    std::string::npos);
  };
  auto pub_line = "    public-key = \"" + std::string{server_public} + "\"\n";
  refused("metadata\n", "no public-key");
  refused("curve\n" + pub_line + pub_line, "f:3: a second public-key");
  refused("curve\n   public-key = \"x\"\n", "f:2: indentation");
  refused("curve\n\tpublic-key = \"x\"\n", "tab");
  refused("curve\n    public-key = \"abc\n", "unterminated");
  refused("curve\n        public-key = \"x\"\n", "deeper");
  refused("curve\n    public-key = \"" + std::string(40, '0') + "\"\n",
          "public-key");
  // A secret key that belongs to another public key.
  refused("curve\n    public-key = \"" + std::string{client_public}
            + "\"\n    secret-key = \"" + std::string{server_secret}
            + "\"\n",
          "does not belong");
  refused("curve\n" + pub_line + "    secret-key = \""
            + std::string{server_secret.substr(0, 39)} + "\"\n",
          "secret-key is not 40");
}

CAF_TEST(save writes a public file and a 0600 secret file) {
  temp_dir dir;
  auto cert = certificate::generate();
  CAF_REQUIRE(cert);
  CAF_CHECK(!cert->set_meta("name", "alice"));
  CAF_CHECK(!cert->set_meta("quote", "say \"hi\""));
  auto path = dir / "alice.key";
  CAF_REQUIRE(!cert->save(path));
  CAF_CHECK_EQUAL(mode_of(path), 0644u);
  CAF_CHECK_EQUAL(mode_of(path + "_secret"), 0600u);
  auto pub_text = slurp(path);
  CAF_CHECK_EQUAL(pub_text.find("secret-key"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(pub_text.find("public-key = \"" + cert->public_key_z85()
                                    + "\""),
                      std::string::npos);
  auto pub = certificate::load(path);
  CAF_REQUIRE(pub);
  CAF_CHECK(!pub->has_secret_key());
  CAF_CHECK_EQUAL(pub->public_key(), cert->public_key());
  CAF_CHECK_EQUAL(pub->meta("name"), std::string{"alice"});
  CAF_CHECK_EQUAL(pub->meta("quote"), std::string{"say \"hi\""});
  CAF_CHECK_EQUAL(pub->origin(), path);
  auto sec = certificate::load(path + "_secret");
  CAF_REQUIRE(sec);
  CAF_REQUIRE(sec->has_secret_key());
  CAF_CHECK(sec->keys().secret_key().reveal_string()
            == cert->keys().secret_key().reveal_string());
  // Saving again replaces the files and keeps the secret one private even
  // if it had been opened up meanwhile.
  ::chmod((path + "_secret").c_str(), 0644);
  CAF_REQUIRE(!cert->save(path));
  CAF_CHECK_EQUAL(mode_of(path + "_secret"), 0600u);
  // A public certificate writes no secret file.
  CAF_REQUIRE(!pub->save(dir / "bob.key"));
  CAF_CHECK_EQUAL(mode_of(dir / "bob.key_secret"), 0u);
  CAF_CHECK(pub->save_secret(dir / "x"));
  // The text forms.
  CAF_CHECK_EQUAL(cert->public_text().find("secret-key"), std::string::npos);
  auto sec_text = cert->secret_text();
  CAF_CHECK_NOT_EQUAL(sec_text.reveal_string().find(
                        "secret-key = \""
                        + std::string{
                          cert->keys().secret_key_z85().reveal_string()}),
                      std::string::npos);
  CAF_CHECK(pub->secret_text().empty());
}

CAF_TEST(metadata names and values are checked) {
  certificate cert;
  CAF_CHECK(is(cert.set_meta("bad name", "x"), errc::invalid_certificate));
  CAF_CHECK(is(cert.set_meta("", "x"), errc::invalid_certificate));
  CAF_CHECK(is(cert.set_meta("n", "a\nb"), errc::invalid_certificate));
  CAF_CHECK(is(cert.set_meta("n", "\"'"), errc::invalid_certificate));
  CAF_CHECK(!cert.set_meta("n", "v1"));
  CAF_CHECK(!cert.set_meta("n", "v2"));
  CAF_CHECK_EQUAL(cert.metadata().size(), 1u);
  CAF_CHECK_EQUAL(cert.meta("n"), std::string{"v2"});
  CAF_CHECK(is(cert.save(std::string{"/tmp/never"}),
               errc::invalid_certificate));
}

CAF_TEST(load fails with the file name for missing and oversized files) {
  temp_dir dir;
  auto missing = certificate::load(dir / "nope");
  CAF_REQUIRE(!missing);
  CAF_CHECK(is(missing.error(), errc::invalid_certificate));
  CAF_CHECK_NOT_EQUAL(context(missing.error()).find(dir / "nope"),
                      std::string::npos);
  write(dir / "big", std::string(70000, '#'));
  auto big = certificate::load(dir / "big");
  CAF_REQUIRE(!big);
  CAF_CHECK_NOT_EQUAL(context(big.error()).find("64 KiB"), std::string::npos);
  auto folder = certificate::load(dir.path);
  CAF_CHECK(!folder);
}

CAF_TEST(a directory yields its public certificates) {
  temp_dir dir;
  auto a = certificate::generate();
  auto b = certificate::generate();
  CAF_REQUIRE(a && b);
  CAF_CHECK(!b->set_meta("name", "bob"));
  CAF_REQUIRE(!a->save(dir / "a.key"));   // + a.key_secret, skipped
  CAF_REQUIRE(!b->save_public(dir / "b.key"));
  write(dir / "garbage.key", "not a certificate\n");
  write(dir / ".hidden", a->public_text());
  ::mkdir((dir / "sub").c_str(), 0700);
  // A secret certificate under a public name: only its public half is kept.
  auto c = certificate::generate();
  CAF_REQUIRE(c);
  auto c_text = c->secret_text();
  write(dir / "c.key", std::string{c_text.reveal_string()});
  std::vector<std::string> skipped;
  auto certs = certificate::load_directory(dir.path, &skipped);
  CAF_REQUIRE(certs);
  CAF_REQUIRE_EQUAL(certs->size(), 3u);
  CAF_CHECK_EQUAL((*certs)[0].public_key(), a->public_key());
  CAF_CHECK_EQUAL((*certs)[1].public_key(), b->public_key());
  CAF_CHECK_EQUAL((*certs)[1].meta("name"), std::string{"bob"});
  CAF_CHECK_EQUAL((*certs)[2].public_key(), c->public_key());
  for (auto& cert : *certs)
    CAF_CHECK(!cert.has_secret_key());
  CAF_REQUIRE_EQUAL(skipped.size(), 1u);
  CAF_CHECK_NOT_EQUAL(skipped[0].find("garbage.key"), std::string::npos);
  auto missing = certificate::load_directory(dir / "none");
  CAF_REQUIRE(!missing);
  CAF_CHECK(is(missing.error(), errc::invalid_certificate));
}

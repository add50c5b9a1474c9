"""A locally generated CA, intermediate and leaf, standing in for Amazon's chain."""

import base64
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
NOW = datetime.datetime.now(datetime.timezone.utc)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MS Massage Guide tests")])


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject_key, subject, issuer_key, issuer, ca, path_length=None, san=None,
          not_before=None, not_after=None):
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer)
               .public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before or NOW - datetime.timedelta(days=1))
               .not_valid_after(not_after or NOW + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = (builder
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False, key_encipherment=True,
                       data_encipherment=False, key_agreement=False, key_cert_sign=False,
                       crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


class Authority:
    """Root -> intermediate -> leaf. Variants build the broken chains."""

    def __init__(self, mid_not_after=None):
        self.root_key, self.mid_key = _key(), _key()
        self.root = _cert(self.root_key, _name("Test Root CA"), self.root_key,
                          _name("Test Root CA"), ca=True)
        self.mid = _cert(self.mid_key, _name("Test Intermediate CA"), self.root_key,
                         _name("Test Root CA"), ca=True, path_length=0, not_after=mid_not_after)

    def store(self):
        return Store([self.root])

    def leaf(self, san=("echo-api.amazon.com",), not_before=None, not_after=None, key=None):
        key = key or _key()
        cert = _cert(key, _name("echo-api.amazon.com"), self.mid_key, _name("Test Intermediate CA"),
                     ca=False, san=list(san), not_before=not_before, not_after=not_after)
        return key, cert

    def chain_pem(self, leaf_cert):
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf_cert, self.mid))


def sign(key, body, algorithm=None):
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), algorithm or hashes.SHA256())).decode()


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())

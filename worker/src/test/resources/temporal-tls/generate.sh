#!/bin/sh
# Makes the test certificates of TemporalTlsTest (run once; the output is committed). Valid for
# 100 years so the tests do not expire. Test-only keys: never use them for anything else.
set -eu
cd "$(dirname "$0")"
days=36500

ca() { # name subject
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "$2" -keyout "$1.key" -out "$1.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() { # name subject extensions
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$days" -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}

ca ca "/CN=eks-upgrader test CA"
ca other-ca "/CN=some other CA"
# The server's name is not the address the tests dial (127.0.0.1): tls.server-name must say it.
leaf server "/CN=temporal.eks-upgrader.test" \
  "subjectAltName=DNS:temporal.eks-upgrader.test
extendedKeyUsage=serverAuth"
leaf client "/CN=eks-upgrader-worker" "extendedKeyUsage=clientAuth"
# The same client key in SEC1 form ("BEGIN EC PRIVATE KEY"), which the worker refuses with a hint.
openssl ec -in client.key -out client-sec1.key
rm -f ca.key other-ca.key ca.srl

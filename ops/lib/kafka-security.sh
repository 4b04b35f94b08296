# ops/lib/kafka-security.sh: what `KAFKA_SECURITY=sasl_ssl ops/kafka start` adds to the broker:
# a test CA and the broker's certificate (openssl, keytool), SCRAM-SHA-512 users (StorageTool
# at format time, ConfigCommand later), and KRaft's StandardAuthorizer denying what no ACL allows.
# Sourced by ops/kafka and ops/cluster, not run; the caller defines PROG, die, say, DATA_DIR,
# run_tool, client_bootstrap (the bootstrap list its clients use) and CERT_ADDRESSES (the IP
# addresses the broker certificate names).

KAFKA_SECURITY=${KAFKA_SECURITY:-plaintext}
TLS_DIR=$DATA_DIR/tls
ADMIN_USER=admin  # the broker's own principal and the operator's: a super user
ADMIN_CONFIG=$TLS_DIR/admin.properties  # client settings of the broker's tools, as admin
CERT_DAYS=${KAFKA_CERT_DAYS:-30}
# Every broker shows this certificate name, and presents the certificate as a client on the
# controller listener (mutual TLS): User:CN=kafka-broker is the brokers' own principal there.
BROKER_CN=kafka-broker

secured() {
  case "$KAFKA_SECURITY" in
    plaintext) return 1 ;;
    sasl_ssl) return 0 ;;
    *) die "KAFKA_SECURITY=$KAFKA_SECURITY: use plaintext (the default) or sasl_ssl" ;;
  esac
}

listener_protocol() { if secured; then echo SASL_SSL; else echo PLAINTEXT; fi; }

# The KRaft controller listener: mutual TLS when secured (the controllers take no SCRAM), so only
# a holder of a certificate the test CA signed reaches it, never an anonymous client.
controller_protocol() { if secured; then echo SSL; else echo PLAINTEXT; fi; }

secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }

# wanted_cert_ext: the broker certificate's extensions file for BROKER_CN and CERT_ADDRESSES
# (the name in a comment, so a certificate of another name is made again too).
wanted_cert_ext() {
  local address names=()
  for address in $CERT_ADDRESSES; do names+=("IP:$address"); done
  names+=("DNS:localhost")
  echo "# CN=$BROKER_CN"
  (IFS=,; echo "subjectAltName=${names[*]}")
}

# make_certs: a CA of its own and one broker certificate (CN=$BROKER_CN, the addresses of
# CERT_ADDRESSES) signed by it, kept under $TLS_DIR; made again when the addresses change (the
# admin's password stays: the metadata log holds its SCRAM credential). `ops/kafka reset` and
# `ops/cluster down` remove them with the data. The CA's certificate, ca.pem, is what clients
# trust (KAFKA_SSL_CAFILE).
make_certs() {
  local ext
  ext=$(wanted_cert_ext)
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  [[ -f $TLS_DIR/admin.password ]] || (umask 077; secret >"$TLS_DIR/admin.password")
  [[ -f $TLS_DIR/broker.p12 && -f $TLS_DIR/broker.ext && $(<"$TLS_DIR/broker.ext") == "$ext" ]] \
    && return 0
  command -v openssl >/dev/null 2>&1 || die "KAFKA_SECURITY=sasl_ssl needs openssl"
  local store_pass
  store_pass=$(secret)
  (
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$CERT_DAYS" \
      -subj "/CN=news-event-streams test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr \
      -subj "/CN=$BROKER_CN" 2>/dev/null
    echo "$ext" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem \
      -days "$CERT_DAYS" -extfile broker.ext 2>/dev/null
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -out broker.p12 -passout "pass:$store_pass"
    rm -f truststore.p12
    keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 \
      -storetype PKCS12 -storepass "$store_pass" >/dev/null 2>&1
    echo "$store_pass" >store.password
  ) || die "making the test CA and the broker's certificate failed"
  say "made a test CA and the broker's certificate in $TLS_DIR (clients trust $TLS_DIR/ca.pem)"
}

# The broker's settings for a SASL_SSL client listener (also its own inter-broker listener).
security_properties() {
  local store_pass admin_pass
  store_pass=$(<"$TLS_DIR/store.password")
  admin_pass=$(<"$TLS_DIR/admin.password")
  cat <<EOF
# KAFKA_SECURITY=sasl_ssl: TLS + SCRAM-SHA-512 on the client listener, ACLs enforced.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$admin_pass";
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$store_pass
ssl.key.password=$store_pass
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$store_pass
ssl.client.auth=none
# The controller listener wants the client's certificate: brokers show theirs (CN=$BROKER_CN).
listener.name.controller.ssl.client.auth=required
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# admin: the brokers on the client listener and the operator; CN=$BROKER_CN: the brokers and
# controllers on the controller listener.
super.users=User:$ADMIN_USER;User:CN=$BROKER_CN
EOF
}

# admin_config: the admin's client settings file for the broker's tools when secured, else nothing.
admin_config() { if secured; then echo "$ADMIN_CONFIG"; fi; }

# The admin's client settings for the broker's tools (ConfigCommand, BrokerApiVersionsCommand).
write_admin_config() {
  local store_pass admin_pass
  store_pass=$(<"$TLS_DIR/store.password")
  admin_pass=$(<"$TLS_DIR/admin.password")
  (umask 077; cat >"$ADMIN_CONFIG" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$admin_pass";
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$store_pass
EOF
  )
}

# StorageTool format arguments: the admin's SCRAM credential, and one for each "name password"
# line of KAFKA_SCRAM_USERS_FILE, written into the metadata log before the broker first starts.
scram_format_args() {
  local name password
  echo "--add-scram"
  echo "SCRAM-SHA-512=[name=$ADMIN_USER,password=$(<"$TLS_DIR/admin.password")]"
  [[ -n ${KAFKA_SCRAM_USERS_FILE:-} ]] || return 0
  [[ -r $KAFKA_SCRAM_USERS_FILE ]] || die "KAFKA_SCRAM_USERS_FILE=$KAFKA_SCRAM_USERS_FILE cannot be read"
  while read -r name password; do
    [[ -z $name || $name == \#* ]] && continue
    [[ -n $password ]] || die "KAFKA_SCRAM_USERS_FILE: no password for $name"
    echo "--add-scram"
    echo "SCRAM-SHA-512=[name=$name,password=$password]"
  done <"$KAFKA_SCRAM_USERS_FILE"
}

# add_user NAME: a SCRAM-SHA-512 user added (or its password changed) on the running broker,
# with the password read from stdin, through the broker's own ConfigCommand as admin.
add_user() {
  local name=$1 password
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "add-user: '$name' is not a plain user name"
  secured || die "add-user needs KAFKA_SECURITY=sasl_ssl"
  [[ -f $ADMIN_CONFIG ]] || die "add-user: no $ADMIN_CONFIG (has 'KAFKA_SECURITY=sasl_ssl $PROG start' run?)"
  IFS= read -r password || true
  [[ -n $password && $password != *[,\]\[=]* ]] || die "add-user: give a password on stdin (no , = [ ])"
  run_tool kafka.admin.ConfigCommand --bootstrap-server "$(client_bootstrap)" \
    --command-config "$ADMIN_CONFIG" --alter --entity-type users --entity-name "$name" \
    --add-config "SCRAM-SHA-512=[password=$password]" >/dev/null \
    || die "add-user: ConfigCommand failed for $name"
  echo "SCRAM-SHA-512 user $name added"
}

# client_env: what a client of this broker exports to act as admin (the pipeline's own users
# are made with add-user and given their ACLs by `streams acls --apply`).
client_env() {
  if ! secured; then
    echo "export KAFKA_BOOTSTRAP=$(client_bootstrap)"
    return 0
  fi
  [[ -f $TLS_DIR/admin.password ]] || die "no $TLS_DIR yet (has 'KAFKA_SECURITY=sasl_ssl $PROG start' run?)"
  cat <<EOF
export KAFKA_BOOTSTRAP=$(client_bootstrap) KAFKA_SECURITY_PROTOCOL=SASL_SSL
export KAFKA_SASL_MECHANISM=SCRAM-SHA-512 KAFKA_SASL_USERNAME=$ADMIN_USER
export KAFKA_SASL_PASSWORD=$(<"$TLS_DIR/admin.password") KAFKA_SSL_CAFILE=$TLS_DIR/ca.pem
EOF
}

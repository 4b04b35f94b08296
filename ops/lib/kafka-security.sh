# ops/lib/kafka-security.sh: what `KAFKA_SECURITY=sasl_ssl ops/kafka start` adds to the broker:
# a test CA and the broker's certificate (openssl, keytool), SCRAM-SHA-512 users (StorageTool
# at format time, ConfigCommand later), and KRaft's StandardAuthorizer denying what no ACL allows.
# Sourced by ops/kafka, not run; the caller defines PROG, die, say, DATA_DIR, KAFKA_HOST, run_tool.

KAFKA_SECURITY=${KAFKA_SECURITY:-plaintext}
TLS_DIR=$DATA_DIR/tls
ADMIN_USER=admin  # the broker's own principal and the operator's: a super user
ADMIN_CONFIG=$TLS_DIR/admin.properties  # client settings of the broker's tools, as admin
CERT_DAYS=${KAFKA_CERT_DAYS:-30}

secured() {
  case "$KAFKA_SECURITY" in
    plaintext) return 1 ;;
    sasl_ssl) return 0 ;;
    *) die "KAFKA_SECURITY=$KAFKA_SECURITY: use plaintext (the default) or sasl_ssl" ;;
  esac
}

listener_protocol() { if secured; then echo SASL_SSL; else echo PLAINTEXT; fi; }

secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }

# make_certs: a CA of its own and the broker's certificate for 127.0.0.1/localhost signed by it,
# kept under $TLS_DIR (made once; `ops/kafka reset` removes them with the data). The CA's
# certificate, ca.pem, is what clients trust (KAFKA_SSL_CAFILE).
make_certs() {
  [[ -f $TLS_DIR/broker.p12 && -f $TLS_DIR/admin.password ]] && return 0
  command -v openssl >/dev/null 2>&1 || die "KAFKA_SECURITY=sasl_ssl needs openssl"
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  local store_pass
  store_pass=$(secret)
  (
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$CERT_DAYS" \
      -subj "/CN=news-event-streams test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr \
      -subj "/CN=$KAFKA_HOST" 2>/dev/null
    printf 'subjectAltName=IP:%s,DNS:localhost\n' "$KAFKA_HOST" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem \
      -days "$CERT_DAYS" -extfile broker.ext 2>/dev/null
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -out broker.p12 -passout "pass:$store_pass"
    rm -f truststore.p12
    keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 \
      -storetype PKCS12 -storepass "$store_pass" >/dev/null 2>&1
    echo "$store_pass" >store.password
    secret >admin.password
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
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# admin: the broker itself and the operator. ANONYMOUS: the loopback-only PLAINTEXT controller
# listener, which this node's broker half uses (KRaft controllers take no SCRAM).
super.users=User:$ADMIN_USER;User:ANONYMOUS
EOF
}

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
  run_tool kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" \
    --command-config "$ADMIN_CONFIG" --alter --entity-type users --entity-name "$name" \
    --add-config "SCRAM-SHA-512=[password=$password]" >/dev/null \
    || die "add-user: ConfigCommand failed for $name"
  echo "SCRAM-SHA-512 user $name added"
}

# client_env: what a client of this broker exports to act as admin (the pipeline's own users
# are made with add-user and given their ACLs by `streams acls --apply`).
client_env() {
  if ! secured; then
    echo "export KAFKA_BOOTSTRAP=$KAFKA_HOST:$KAFKA_PORT"
    return 0
  fi
  [[ -f $TLS_DIR/admin.password ]] || die "no $TLS_DIR yet (has 'KAFKA_SECURITY=sasl_ssl $PROG start' run?)"
  cat <<EOF
export KAFKA_BOOTSTRAP=$KAFKA_HOST:$KAFKA_PORT KAFKA_SECURITY_PROTOCOL=SASL_SSL
export KAFKA_SASL_MECHANISM=SCRAM-SHA-512 KAFKA_SASL_USERNAME=$ADMIN_USER
export KAFKA_SASL_PASSWORD=$(<"$TLS_DIR/admin.password") KAFKA_SSL_CAFILE=$TLS_DIR/ca.pem
EOF
}

# Sourced by ./demo --broker rabbitmq and bench/run.sh: a throwaway RabbitMQ server on localhost:5672 for one
# run, its state under a directory of the caller's (never /var/lib/rabbitmq), started as the current user.
#   rabbitmq_start DIR   installs the Debian package rabbitmq-server if it is missing (needs root and apt-get),
#                        starts a node and waits until it accepts connections (at most 90 s)
#   rabbitmq_stop        stops that node; safe to call twice
RABBITMQ_NODE=arbor-demo@localhost
rabbitmq_env() {
  env HOME="$RABBITMQ_DIR" RABBITMQ_NODENAME="$RABBITMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672 RABBITMQ_MNESIA_BASE="$RABBITMQ_DIR/mnesia" \
    RABBITMQ_LOG_BASE="$RABBITMQ_DIR/log" RABBITMQ_PID_FILE="$RABBITMQ_DIR/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_DIR/enabled_plugins" "$@"
}
rabbitmq_start() {
  RABBITMQ_DIR=$(mkdir -p "$1" && cd "$1" && pwd)
  RABBITMQ_BIN=/usr/lib/rabbitmq/bin
  if [ ! -x "$RABBITMQ_BIN/rabbitmq-server" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing rabbitmq-server (apt-get)..." >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >&2
    else
      echo "rabbitmq-server is not installed; install the Debian package rabbitmq-server (or run as root)" >&2
      return 1
    fi
  fi
  rabbitmq_stop 2>/dev/null || true
  # Erlang's port mapper outlives the node; stop it afterwards only if this run started it.
  RABBITMQ_OWN_EPMD=1
  pgrep -x epmd >/dev/null 2>&1 && RABBITMQ_OWN_EPMD=0
  rm -rf "$RABBITMQ_DIR/mnesia" && mkdir -p "$RABBITMQ_DIR/log"
  echo '[].' > "$RABBITMQ_DIR/enabled_plugins"
  echo "Starting RabbitMQ (node $RABBITMQ_NODE, log in $RABBITMQ_DIR/log)..." >&2
  rabbitmq_env "$RABBITMQ_BIN/rabbitmq-server" > "$RABBITMQ_DIR/log/server.out" 2>&1 &
  RABBITMQ_STARTED=1
  # `wait` waits for the pid file, then for the broker application to be up.
  if ! rabbitmq_env timeout 100 "$RABBITMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODE" wait --timeout 90 \
       "$RABBITMQ_DIR/pid" > "$RABBITMQ_DIR/log/await.out" 2>&1; then
    echo "RabbitMQ did not start; see $RABBITMQ_DIR/log" >&2
    rabbitmq_stop
    return 1
  fi
}
rabbitmq_stop() {
  [ "${RABBITMQ_STARTED:-0}" = 1 ] || return 0
  RABBITMQ_STARTED=0
  rabbitmq_env timeout 60 "$RABBITMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODE" stop > /dev/null 2>&1 || true
  wait 2>/dev/null || true
  [ "${RABBITMQ_OWN_EPMD:-0}" = 1 ] && { epmd -kill >/dev/null 2>&1 || true; }
  return 0
}

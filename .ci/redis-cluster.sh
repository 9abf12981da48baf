#!/usr/bin/env bash
# A throwaway three-master Redis Cluster on loopback, for the tests that
# prove the Redis store works on a cluster (hash tags, no CROSSSLOT).
#
#   .ci/redis-cluster.sh start DIR [FIRST_PORT]   start it, print its URL
#   .ci/redis-cluster.sh stop DIR                 stop it, remove DIR
#
# Nodes listen on 127.0.0.1:FIRST_PORT..FIRST_PORT+2 (default 7001-7003;
# each also uses its port + 10000 for the cluster bus), keep their files
# in DIR and persist nothing. "start" returns once cluster_state is ok and
# prints the URL to give the tests:
#
#   REDIS_CLUSTER_URL=$(.ci/redis-cluster.sh start /tmp/rc) go test ./redis/ ./cmd/laborbot/ -run Cluster
set -euo pipefail

cmd=${1:-}
dir=${2:-}
first=${3:-7001}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR [FIRST_PORT]" >&2
  exit 2
fi
ports=("$first" "$((first + 1))" "$((first + 2))")

case "$cmd" in
start)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "redis-cluster: redis-server and redis-cli are needed (Debian: apt-get install redis-server)" >&2
    exit 1
  }
  mkdir -p "$dir"
  for p in "${ports[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1; then
      echo "redis-cluster: something already answers on 127.0.0.1:$p" >&2
      exit 1
    fi
    mkdir -p "$dir/$p"
    # No persistence: the cluster lives as long as one test run.
    redis-server --port "$p" --bind 127.0.0.1 --dir "$dir/$p" \
      --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000 --save '' --appendonly no \
      --daemonize yes --pidfile "$dir/$p/redis.pid" --logfile "$dir/$p/redis.log" >/dev/null
  done
  for p in "${ports[@]}"; do
    for _ in $(seq 50); do
      redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  addrs=()
  for p in "${ports[@]}"; do addrs+=("127.0.0.1:$p"); done
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || {
    cat "$dir/create.log" >&2
    exit 1
  }
  # Every node must agree the cluster is up before a test dials it.
  for p in "${ports[@]}"; do
    ok=
    for _ in $(seq 100); do
      if redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; then
        ok=1
        break
      fi
      sleep 0.1
    done
    if [ -z "$ok" ]; then
      echo "redis-cluster: node 127.0.0.1:$p never reached cluster_state:ok" >&2
      exit 1
    fi
  done
  echo "redis://$(IFS=,; echo "${addrs[*]}")"
  ;;
stop)
  # The pid files say which servers this DIR started, whatever FIRST_PORT.
  pids=()
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  # Wait for them to go, so the ports are free for the next start.
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR [FIRST_PORT]" >&2
  exit 2
  ;;
esac

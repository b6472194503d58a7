#!/usr/bin/env bash
# Installs the Debian 12 packages halo needs, and nothing when they are all
# there already (so it is cheap to call at the start of every script).
#
#   scripts/deps.sh [GROUP...]     GROUP: build demo test bench (default: all)
#
# Quiet and non-interactive: it prints one line per install, runs
# `apt-get update` only when a package is missing, and preseeds the tshark
# question that would otherwise stop on a terminal.
set -euo pipefail

build=(gcc pkg-config meson ninja-build libuv1-dev libmnl-dev libnftnl-dev
       libssl-dev libjson-c-dev)
# The demo runs a failover in network namespaces: a capture decoded by
# tshark, a client pinging the virtual address.
demo=("${build[@]}" keepalived python3 iproute2 tcpdump tshark iputils-ping)
test=("${demo[@]}" libcmocka-dev python3-pytest python3-scapy nftables procps psmisc)
bench=("${build[@]}" python3 keepalived hyperfine time)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build demo test bench)

want=()
for g in "${groups[@]}"; do
	case "$g" in
	build) want+=("${build[@]}") ;;
	demo) want+=("${demo[@]}") ;;
	test) want+=("${test[@]}") ;;
	bench) want+=("${bench[@]}") ;;
	*) echo "deps.sh: unknown group '$g' (build, demo, test, bench)" >&2; exit 2 ;;
	esac
done

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
	# dpkg-query prints "install ok installed" only for a fully installed package.
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo -n)
	else
		echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
		exit 1
	fi
else
	sudo=()
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Answer tshark's "should non-superusers capture packets?" question up front.
echo 'wireshark-common wireshark-common/install-setuid boolean false' |
	"${sudo[@]}" debconf-set-selections
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" apt-get update -qq &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
	cat "$log" >&2
	echo "deps.sh: apt-get failed" >&2
	exit 1
fi

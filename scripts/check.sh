#!/bin/sh
# check.sh ROOT — the rules of the code that a compiler does not check, as
# TAP (one test per rule, the offending lines as comments). Run by `make
# test` (tests/meson.build: check-code).
#
#   1. banned functions: sprintf, vsprintf, strcpy, strcat, gets (curl's list:
#      snprintf and a capped buf do the same without overflowing);
#   2. no SQL outside the capability modules: src/app, src/cli, src/http and
#      src/core hold no SQL text and call no statement function (db_run,
#      db_prepare, db_exec, dbj_*): they call the capability that owns the
#      table;
#   3. one header per module, one prefix per header: every function a header
#      declares starts with its module's prefix, no prefix is declared by two
#      headers, and every .c file implements its own header or its
#      directory's (src/cases/case_persons.c implements cases.h) — the
#      exceptions are named below with their reason;
#   4. no file over 800 lines, unless it is one pure pipeline that reads
#      better whole, named below with its reason.
set -u
root=${1:-.}
cd "$root" || exit 1
n=0
fails=0

report() { # report NAME FILE-WITH-OFFENDING-LINES
	n=$((n + 1))
	if [ -s "$2" ]; then
		fails=$((fails + 1))
		echo "not ok $n - $1"
		sed 's/^/# /' "$2"
	else
		echo "ok $n - $1"
	fi
}

tmp=$(mktemp -d /tmp/sijill-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "1..4"

# 1. banned functions (in every C file we write: src, tests, bench)
find src tests bench -name '*.c' -o -name '*.h' | sort | xargs grep -nE '(^|[^a-z_])(sprintf|vsprintf|strcpy|strcat|gets)[[:space:]]*\(' \
	>"$tmp/banned" 2>/dev/null
report "no banned functions (sprintf, vsprintf, strcpy, strcat, gets)" "$tmp/banned"

# 2. SQL only in the capability modules
for d in src/app src/cli src/http src/core; do
	grep -nE '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX|TRIGGER)|ALTER TABLE|DROP TABLE)\b' \
		"$d"/*.c "$d"/*.h 2>/dev/null
	grep -nE '\b(db_run|db_prepare|db_exec|dbj_one|dbj_rows|dbj_int|dbj_write|dbj_rec_one|dbj_rec_rows)[[:space:]]*\(' \
		"$d"/*.c "$d"/*.h 2>/dev/null
done | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' >"$tmp/sql"
report "no SQL in src/app, src/cli, src/http, src/core (capabilities own their tables)" "$tmp/sql"

# 3. one header per module, one prefix per header.
# The prefix of a header is its stem ("pv.h": pv_) unless named here:
prefixes='
src/app/app.h app_ api_
src/audit/audit.h audit_
src/audit/audit_int.h aud_
src/http/http_int.h http_
src/auth/auth.h auth_
src/auth/password.h pw_
src/auth/roles.h role_
src/cases/cases.h case_
src/core/err.h sj_
src/core/i18n.h i18n_
src/core/record.h rec_
src/db/migrate.h db_
src/exchange/exchange.h xchg_
src/exchange/internal.h xchg_
src/procedure/procedure.h proc_
src/mobile/mobile.h mob_ mobile_stats_
src/http/http.h http_ hjson_
src/org/units.h unit_
src/persons/persons.h persons_
src/refdata/refdata.h ref_
src/registers/registers.h reg_
src/search/search.h srch_
src/text/namekey.h nk_
src/text/norm.h txt_
'
# The named exceptions:
#  - app.h declares the handlers (api_*) beside the application's helpers
#    (app_*): the route table points at them, so they are the app's interface;
#  - http.h declares the body parser (hjson_*) of the HTTP layer beside http_*;
#  - db.h and migrate.h both use db_: migrations are the storage module's own
#    business, kept in a second header so callers of db.h do not see them;
#  - src/db/backend.h is the storage module's internal header (the vtable its
#    two backends fill), included by nothing outside src/db;
#  - src/comms/internal.h likewise: the comms module's helpers shared by its
#    files (comms_ like the public comms.h), included by nothing outside src/comms;
#  - src/stats/internal.h likewise for the statistics (stats_: legal days, the
#    rules as loaded, the counting predicate, the scope), only in src/stats;
#  - src/exchange/internal.h is the exchange's internal header (xchg_ like
#    exchange.h: the signed texts and central's apply), only in src/exchange;
#  - procedure.h uses the short proc_ of the judicial procedure module;
#  - mobile.h uses mob_, and mobile_stats_ for the one function the statistics
#    module calls (the name agreed between the two modules, issue 14 / 16);
#  - src/core/limits.h declares no function (the named limits);
#  - src/audit/audit_int.h is the audit module's internal header (aud_*: the
#    chain arithmetic, one sequencing pass and the heads file, shared by its
#    files), included by nothing outside src/audit;
#  - src/http/http_int.h is the HTTP layer's internal header (the request as
#    the listener and the in-process requests build it; http_ like http.h),
#    included by nothing outside src/http.
: >"$tmp/header"
for h in $(find src -name '*.h' | sort); do
	case $h in src/db/backend.h | src/comms/internal.h | src/stats/internal.h | src/core/limits.h) continue ;; esac
	allowed=$(echo "$prefixes" | awk -v h="$h" '$1 == h { $1 = ""; print }')
	[ -n "$allowed" ] || allowed="$(basename "$h" .h)_"
	grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*[ *]([a-z_][a-z0-9_]*)\(' "$h" | grep -vE '^(typedef|#|static)' |
		sed -E 's/.*[ *]([a-z_][a-z0-9_]*)\($/\1/' | while read -r fn; do
		ok=0
		for p in $allowed; do
			case $fn in "$p"*) ok=1 ;; esac
		done
		[ $ok -eq 1 ] || echo "$h declares $fn (prefix $allowed)"
	done >>"$tmp/header"
done
# a prefix declared by two headers (db_: db.h and migrate.h, named above;
# an internal header shares its module's prefix)
for h in $(find src -name '*.h' ! -path src/comms/internal.h ! -path src/http/http_int.h ! -path src/stats/internal.h ! -path src/exchange/internal.h | sort); do
	grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*[ *]([a-z]+)_[a-z0-9_]*\(' "$h" | grep -vE '^(typedef|#|static)' |
		sed -E 's/.*[ *]([a-z]+_)[a-z0-9_]*\($/\1/' | sort -u | sed "s|$| $h|"
done | sort | awk '{ if ($1 == last && $1 != "db_") print "prefix " $1 " is declared by " lasth " and " $2; last = $1; lasth = $2 }' \
	>>"$tmp/header"
# every .c file implements a header: its own, or its directory's
# (src/main.c is the program: it implements none)
for c in $(find src -name '*.c' | sort); do
	[ "$c" = src/main.c ] && continue
	d=$(dirname "$c")
	[ -f "$d/$(basename "$c" .c).h" ] || [ -f "$d/$(basename "$d").h" ] ||
		echo "$c implements no header (give it one, or its directory one)"
done >>"$tmp/header"
report "one header and one prefix per module (exceptions named in scripts/check.sh)" "$tmp/header"

# 4. file sizes
# Files allowed to be long, each one pure pipeline that reads better whole:
#  - src/text/namekey.c: the cross-script name keys — one pipeline from a name
#    to its keys (Arabic and Latin folding, transliteration tables, particles,
#    scoring), allocation-free, every table beside the step that uses it and
#    tested by tests/data/name_pairs.tsv; cut in files it would scatter the
#    tables from the rules they feed.
long_ok='src/text/namekey.c'
for f in $(find src -name '*.c' -o -name '*.h' | sort); do
	l=$(wc -l <"$f")
	[ "$l" -le 800 ] && continue
	case " $long_ok " in *" $f "*) continue ;; esac
	echo "$f has $l lines (at most 800; or name it in scripts/check.sh with its reason)"
done >"$tmp/size"
report "no file over 800 lines but the named pipelines" "$tmp/size"

echo "# $n checks, $fails failed"
[ $fails -eq 0 ]

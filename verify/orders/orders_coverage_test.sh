#!/bin/bash
# Fails, naming each one, if an (operation, memory order) pair that
# cymade/atomic.h accepts has no case in the orders suite, or if the suite has
# a case for a pair the header does not accept.
#
# The pairs come from the header itself: every cymade_atomic_* definition that
# takes a memory_order, with the order sets of the contract in its top comment
# (load, store, read-modify-write, failed compare-exchange).  Fences are left
# out: TSan does not model them (the header says so), and verify/ops covers
# their orders.
#
# Usage: orders_coverage_test.sh ATOMIC_H ORDERS_SUITE
set -eu

header=$1
suite=$2

# The text of the contract item `- <kind>` and of its continuation lines.
contract_item() {
    awk -v item=" *   - $1" '
        /^ \*   - / { inside = index($0, item) == 1 }
        inside && /^ \*   (- |   )/ { print; next }
        { inside = 0 }' "$header"
}

# The orders a contract item names.
contract_orders() {
    local orders
    orders=$(contract_item "$1" | grep -oE 'relaxed|consume|acquire|release|acq_rel|seq_cst' | sort -u | tr '\n' ' ')
    if [ -z "$orders" ]; then
        echo "orders coverage: the contract atop $header names no orders for '$1'" >&2
        exit 1
    fi
    echo "$orders"
}

load_orders=$(contract_orders 'load:')
store_orders=$(contract_orders 'store:')
failure_orders=$(contract_orders 'failed compare-exchange:')
if ! contract_item 'read-modify-write' | grep -q 'any order'; then
    echo "orders coverage: the contract atop $header no longer says a read-modify-write takes any order" >&2
    exit 1
fi
rmw_orders="relaxed consume acquire release acq_rel seq_cst"

# Each definition's name and parameter list on one line: from a
# CYMADE_ALWAYS_INLINE line through the `{` that opens the body.
signatures=$(awk '/^CYMADE_ALWAYS_INLINE/ { joined = "" ; open = 1 }
    open { joined = joined " " $0 }
    open && /\{[[:space:]]*$/ { print joined; open = 0 }' "$header")

expected_cases() {
    local signature name operation order
    while IFS= read -r signature; do
        name=$(grep -oE 'cymade_atomic_[a-z0-9_]+[[:space:]]*\(' <<<"$signature" | head -n 1 |
            sed -E 's/[[:space:]]*\($//')
        # type.function, e.g. cymade_atomic_u64_fetch_add -> u64.fetch_add
        operation=$(sed -E 's/^cymade_atomic_([a-z0-9]+)_/\1./' <<<"$name")
        case "$signature" in
        *"memory_order success"*)
            for order in $rmw_orders; do echo "$operation.success.$order"; done
            for order in $failure_orders; do echo "$operation.failure.$order"; done
            ;;
        *"memory_order order"*)
            case "$name" in
            *_thread_fence | *_signal_fence) ;;
            *_load) for order in $load_orders; do echo "$operation.$order"; done ;;
            *_store) for order in $store_orders; do echo "$operation.$order"; done ;;
            *) for order in $rmw_orders; do echo "$operation.$order"; done ;;
            esac
            ;;
        esac
    done <<<"$signatures"
}

expected=$(expected_cases | sort -u)
listed=$("$suite" --list | sort -u)

if [ -z "$expected" ]; then
    echo "orders coverage: no cymade_atomic_* definition taking a memory_order found in $header" >&2
    exit 1
fi

missing=$(comm -23 <(echo "$expected") <(echo "$listed"))
unexpected=$(comm -13 <(echo "$expected") <(echo "$listed"))
for pair in $missing; do
    echo "orders coverage: $pair has no case in the orders suite" >&2
done
for pair in $unexpected; do
    echo "orders coverage: the orders suite tests $pair, which cymade/atomic.h does not accept" >&2
done
if [ -n "$missing$unexpected" ]; then
    exit 1
fi
echo "orders coverage: all $(wc -l <<<"$expected") (operation, memory order) pairs of cymade/atomic.h have a case"

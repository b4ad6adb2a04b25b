"""state_chain.py: shared by the kernel-comparison tests (it_kernel_oracle,
it_wire_oracle), which run it with PYTHONPATH=tests/lib."""


def chain(changes):
    """[(from, to), ...] state changes as one path: CLOSED, SYN_SENT, ...
    (a change that starts where the last ended adds only its end)."""
    out = []
    for frm, to in changes:
        if not out or out[-1] != frm:
            out.append(frm)
        out.append(to)
    return out

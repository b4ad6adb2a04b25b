/* fuzz_decode.c: libFuzzer target for decode_packet and decode_frame.
 * Every input is decoded under every link type, with the wire length
 * unknown and as a frame captured whole; ASan/UBSan report any read past
 * the input or any undefined behaviour, and a decoded segment (or the
 * segment an ICMP error quotes) must stay inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum decode_result r, const struct segment *seg, const uint8_t *data, size_t size)
{
	if (r != DECODE_OK && r != DECODE_ICMP_ERROR)
		return;
	/* The captured payload lies inside the input and never exceeds the
	 * length the IP header declares; an ICMP error says so, and only then. */
	if (seg->payload_caplen > seg->len || seg->payload_caplen > size ||
	    (seg->payload_caplen > 0 &&
	     (seg->payload < data || seg->payload + seg->payload_caplen > data + size)) ||
	    seg->opt.nsack > TCP_MAX_SACK_BLOCKS || (r == DECODE_ICMP_ERROR) != (seg->icmp.version != 0) ||
	    (r == DECODE_ICMP_ERROR && (seg->len != 0 || seg->icmp.version != seg->src.family)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		struct segment seg;

		check(decode_packet((enum link_type)lt, data, size, &seg), &seg, data, size);
		check(decode_frame((enum link_type)lt, data, size, size, &seg), &seg, data, size);
	}
	return 0;
}

/* fuzz_decode.c: libFuzzer target for decode_packet. Every input is decoded
 * under every link type; ASan/UBSan report any read past the input or any
 * undefined behaviour, and a decoded segment must stay inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode.h"

static const enum link_type link_types[] = {
	LINK_ETHERNET, LINK_NULL, LINK_LOOP, LINK_SLL, LINK_SLL2, LINK_RAW,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++) {
		struct segment seg;

		if (decode_packet(link_types[i], data, size, &seg) != DECODE_OK)
			continue;
		/* The captured payload lies inside the input and never exceeds
		 * the length the IP header declares. */
		if (seg.payload_caplen > seg.len || seg.payload_caplen > size ||
		    (seg.payload_caplen > 0 &&
		     (seg.payload < data || seg.payload + seg.payload_caplen > data + size)) ||
		    seg.opt.nsack > TCP_MAX_SACK_BLOCKS)
			abort();
	}
	return 0;
}

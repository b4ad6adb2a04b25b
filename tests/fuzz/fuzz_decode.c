/* fuzz_decode.c: libFuzzer target for decode_packet. Every input is decoded
 * under every link type; ASan/UBSan report any read past the input or any
 * undefined behaviour, and a decoded segment must stay inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		struct segment seg;

		if (decode_packet((enum link_type)lt, data, size, &seg) != DECODE_OK)
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

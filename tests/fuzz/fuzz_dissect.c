/* fuzz_dissect.c: libFuzzer target for dissect_frame and decode_arp. Every
 * input is dissected under every link type, captured whole and as if the
 * wire had more; ASan/UBSan report any read past the input, and every
 * field and layer must lie inside it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dissection d;
	struct arp_packet arp;

	for (unsigned lt = 0; lt < LINK_COUNT; lt++) {
		for (size_t wire = size; wire <= size + 1; wire++) {
			dissect_frame((enum link_type)lt, data, size, wire, &d);
			if (d.nlayers > DISSECT_MAX_LAYERS || d.nfields > DISSECT_MAX_FIELDS)
				abort();
			for (uint32_t i = 0; i < d.nfields; i++)
				if (d.fields[i].off + (size_t)d.fields[i].len > size)
					abort();
			for (uint32_t i = 0; i < d.nlayers; i++)
				if (d.layers[i].off + (size_t)d.layers[i].len > size ||
				    d.layers[i].first + d.layers[i].nfields > d.nfields)
					abort();
		}
		decode_arp((enum link_type)lt, data, size, &arp);
	}
	return 0;
}

/* dissect_dump: prints, for each frame of a capture, the fields dissect.c
 * found, in the form `tshark -T fields -E occurrence=a` prints them, so a
 * test can compare the two (tests/it/it_dissect_tshark.sh).
 *
 * usage: dissect_dump FILE.pcap[ng] TSHARK_FIELD...
 * prints: one line a frame, the fields tab-separated (repeats joined by ',')
 * "-" as the only argument after FILE lists the tshark names dissect.c knows. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "dissect.h"

static void put_value(const struct dissect_field *f, const struct dissect_field_info *fi)
{
	switch (fi->tfmt) {
	case TSF_DEC: printf("%llu", (unsigned long long)f->num); break;
	case TSF_HEX2: printf("0x%02llx", (unsigned long long)f->num); break;
	case TSF_HEX4: printf("0x%04llx", (unsigned long long)f->num); break;
	case TSF_HEX6: printf("0x%06llx", (unsigned long long)f->num); break;
	case TSF_HEX8: printf("0x%08llx", (unsigned long long)f->num); break;
	case TSF_TEXT: printf("%s", f->value); break;
	case TSF_NONE: break;
	}
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	enum link_type lt;
	static struct dissection d;

	if (argc < 3) {
		fprintf(stderr, "usage: dissect_dump FILE TSHARK_FIELD...\n");
		return 2;
	}
	if (strcmp(argv[2], "-") == 0) {
		for (int id = 0; id < DF_COUNT; id++) {
			const struct dissect_field_info *fi = dissect_field_info((enum dissect_field_id)id);
			if (fi->tshark)
				printf("%s\n", fi->tshark);
		}
		return 0;
	}
	if (!(p = pcap_open_offline(argv[1], err))) {
		fprintf(stderr, "dissect_dump: %s\n", err);
		return 1;
	}
	if (link_type_from_pcap_name(pcap_datalink_val_to_name(pcap_datalink(p)), &lt) < 0) {
		fprintf(stderr, "dissect_dump: %s: link type not decoded\n", argv[1]);
		return 1;
	}
	while (pcap_next_ex(p, &h, &bytes) == 1) {
		dissect_frame(lt, bytes, h->caplen, h->len, &d);
		for (int a = 2; a < argc; a++) {
			int n = 0;
			if (a > 2)
				putchar('\t');
			for (uint32_t i = 0; i < d.nfields; i++) {
				const struct dissect_field_info *fi = dissect_field_info(d.fields[i].id);
				if (!fi->tshark || strcmp(fi->tshark, argv[a]) != 0)
					continue;
				if (n++)
					putchar(',');
				put_value(&d.fields[i], fi);
			}
		}
		putchar('\n');
	}
	pcap_close(p);
	return 0;
}

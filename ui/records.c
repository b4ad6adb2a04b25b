/* records.c: the records' sizes, for rows that store only what their type
 * needs. */
#include "records.h"

size_t ui_event_size(enum ui_event_type type)
{
	const size_t head = offsetof(struct ui_event, u);

	switch (type) {
	case UEV_PACKET: return head + sizeof(struct ui_packet);
	case UEV_STATE: return head + sizeof(struct ui_state);
	case UEV_CALL:
	case UEV_STEP: return head + sizeof(struct ui_call);
	case UEV_HELLO: return head + sizeof(struct ui_hello);
	case UEV_CONN_END: return head + sizeof(struct ui_conn_end);
	case UEV_STATS: return head + sizeof(struct ui_stats);
	case UEV_ICMP: return head + sizeof(struct ui_icmp);
	case UEV_KERNEL: return head + sizeof(struct ui_kernel);
	case UEV_ARP: return offsetof(struct ui_event, u.arp_wire) + sizeof(struct ui_arp_wire);
	case UEV_OTHER: break;
	}
	return head;
}

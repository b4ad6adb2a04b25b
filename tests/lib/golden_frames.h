/* golden_frames.h: frames of tests/golden/ captures, byte for byte, for the
 * unit tests of the dissector and the details pane (golden_frames.c). */
#ifndef SOCKLAB_TESTS_GOLDEN_FRAMES_H
#define SOCKLAB_TESTS_GOLDEN_FRAMES_H

#include <stddef.h>
#include <stdint.h>

/* echo.pcap frame 1: Ethernet (lo), IPv4, SYN with MSS, SACK_PERM, TS, WS */
extern const uint8_t echo_syn[];
extern const size_t echo_syn_len;
/* echo.pcap frame 4: PSH|ACK carrying "hello" */
extern const uint8_t echo_data[];
extern const size_t echo_data_len;
/* ipv6.pcap frame 1: IPv6 SYN over Ethernet */
extern const uint8_t ipv6_syn[];
extern const size_t ipv6_syn_len;
/* arp-veth.pcap frame 1: ARP who-has 10.77.0.2 tell 10.77.0.1 on a veth */
extern const uint8_t arp_request[];
extern const size_t arp_request_len;
/* echo-sll2.pcap frame 1: Linux cooked v2 ("-i any") */
extern const uint8_t sll2_syn[];
extern const size_t sll2_syn_len;
/* icmp.pcap frame 2: ICMP port unreachable quoting a SYN */
extern const uint8_t icmp_unreach[];
extern const size_t icmp_unreach_len;

#endif

#!/usr/bin/env python3
"""--pcap writes a capture tshark can read: every echo request and reply
is in it, as UDP to/from port 1235 with correct checksums, and the ARP
exchange that preceded them. Skips (77) without tshark.

Usage: test_pcap.py GRIDDLE ECHO_DIR IMAGES
"""
import os, shutil, subprocess, sys, tempfile

griddle, echo_dir, images = sys.argv[1:4]
if not shutil.which('tshark'):
    print('SKIP: tshark is not installed'); sys.exit(77)
N = 200
with tempfile.TemporaryDirectory() as tmp:
    cap = os.path.join(tmp, 'wire.pcap')
    p = subprocess.run([griddle, 'sim', os.path.join(echo_dir, 'echo.system'), '--search-path',
                        images, '--load', f'rate=2000,count={N},size=100', '--pcap', cap],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        print('FAIL: griddle:', p.returncode, p.stderr); sys.exit(1)
    def count(flt):
        t = subprocess.run(['tshark', '-r', cap, '-o', 'udp.check_checksum:TRUE',
                            '-o', 'ip.check_checksum:TRUE', '-Y', flt, '-T', 'fields',
                            '-e', 'frame.number'], capture_output=True, text=True, timeout=60)
        if t.returncode != 0:
            print('FAIL: tshark:', t.stderr); sys.exit(1)
        return len(t.stdout.split())
    checks = [
        ('requests', 'udp.dstport == 1235 && ip.dst == 10.0.0.2 && udp.length == 108', N),
        ('replies', 'udp.srcport == 1235 && ip.src == 10.0.0.2 && udp.length == 108', N),
        ('bad UDP checksums', 'udp.checksum.status == "Bad"', 0),
        ('bad IP checksums', 'ip.checksum.status == "Bad"', 0),
        ('ARP reply from client0', 'arp.opcode == 2 && arp.src.proto_ipv4 == 10.0.0.2 && '
                                   'arp.src.hw_mac == 52:54:01:00:00:01', 1),
    ]
    fails = 0
    for what, flt, want in checks:
        got = count(flt)
        if got != want:
            fails += 1
            print(f'FAIL {what}: {got} frames, want {want}')
print('pcap:', 'ok' if not fails else 'failed')
sys.exit(1 if fails else 0)

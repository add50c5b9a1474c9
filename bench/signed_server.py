"""Serve the skill with verification ON, trusting a local test CA (bench only).

    python bench/signed_server.py --port P --root root.pem --chain chain.pem

The certificate fetch is answered from --chain for any allowed URL: this is
the network boundary faked, exactly as in tests/test_web.py.
"""

import argparse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--chain", required=True)
    parser.add_argument("--skill-id")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    import logging
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    from cryptography import x509
    from cryptography.x509.verification import Store

    from msguide_web.__main__ import parse_args, server_settings
    from msguide_web.app import create_app
    store = Store(x509.load_pem_x509_certificates(open(args.root, "rb").read()))
    chain = open(args.chain, "rb").read()
    app = create_app(skill_id=args.skill_id, verify=True, trust_store=store, fetcher=lambda url: chain)
    # The same server and settings as `python -m msguide_web` (limits, timeouts, threads).
    from msguide_web.server import create_server
    settings = server_settings(parse_args(["--port", str(args.port), "--threads", str(args.threads),
                                           "--skill-id", args.skill_id or "any"], environ={}))
    create_server(app, **settings).run()


if __name__ == "__main__":
    main()

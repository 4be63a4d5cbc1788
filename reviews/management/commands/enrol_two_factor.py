"""Set up two-factor sign-in for one account: an authenticator (TOTP) and 10 recovery codes."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class Command(BaseCommand):
    help = (
        "Give USERNAME a new authenticator key and 10 single-use recovery codes (replacing any old ones). "
        "Prints the key as a QR code and as text, and the codes: hand them to the person, not to anyone else."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--no-qr", action="store_true", help="Print the key as text only.")

    @transaction.atomic
    def handle(self, *args, username, no_qr, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
        static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = [static.token_set.create(token=StaticToken.random_token()).token for _ in range(RECOVERY_CODES)]
        self.stdout.write(f"Authenticator for {username}: scan this in the app, or type the key.")
        if not no_qr:
            import segno

            segno.make(device.config_url).terminal(out=self.stdout, compact=True)
        self.stdout.write(f"Key (base32): {b32encode(device.bin_key).decode()}")
        self.stdout.write(f"Or open: {device.config_url}")
        self.stdout.write("Recovery codes (each works once; keep them somewhere safe):")
        for code in codes:
            self.stdout.write(f"  {code}")

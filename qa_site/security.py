"""Security headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy."""

# Public pages carry no inline script or style (templates use static files only), so neither
# needs 'unsafe-inline'. JSON-LD blocks are data, not scripts, and CSP does not apply to them.
PUBLIC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The admin's own templates and widgets set inline styles (e.g. Django's calendar, our grade flag);
# its scripts are still files only.
ADMIN_POLICY = PUBLIC_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=()"
)


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy (a looser one under /admin/) and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = ADMIN_POLICY if request.path.startswith("/admin/") else PUBLIC_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

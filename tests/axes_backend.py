"""django-axes for the test suite: Django's test Client.login() authenticates without a request,
which axes refuses; those calls are the suite signing in, not a visitor guessing passwords.
Every sign-in through a page or the API carries its request and is watched as in production."""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingClientLogin(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person. Email is the identity; django-allauth verifies it before it counts."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if getattr(self, "_password_changed", False):
            self._password_changed = False
            if self.pk:
                revoke_tokens_after_password_change(self)

    def set_password(self, raw_password):
        # Whatever path changes it (allauth, the admin, manage.py), saving revokes the tokens.
        super().set_password(raw_password)
        self._password_changed = True


def revoke_tokens_after_password_change(user):
    from portal.core.audit.models import Kind
    from portal.core.audit.recording import record

    for token in list(user.personal_tokens.all()):
        token.delete()
        record(Kind.API_TOKEN_REVOKED, actor=user, target=str(token),
               reason="password changed")


class ApiTokenQuerySet(models.QuerySet):
    def valid_for(self, key: str, scope: str, request=None):
        """The unexpired token with ``scope`` that ``key`` is, if its user is active, else
        None. Only hashes are stored. Use is recorded in the audit trail at most hourly."""
        from portal.core.audit.models import Kind
        from portal.core.audit.recording import record

        if not key or len(key) > 200:
            return None
        now = timezone.now()
        token = self.select_related("user").filter(
            key_hash=hash_key(key), expires_at__gt=now, scope=scope).first()
        if token is None or not token.user.is_active:
            return None
        if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
            record(Kind.API_TOKEN_USED, request=request, actor=token.user, target=str(token))
        self.model.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    SEARCH_READ = "search:read", "Read-only: search and autocomplete"


def default_expiry():
    return timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


class ApiToken(models.Model):
    """A personal token for the JSON API: `Authorization: Bearer <key>`. It acts as its user
    and sees exactly what the user may see, only within its scope and until it expires. A
    password change revokes every token of the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE,
                             related_name="personal_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_expiry)
    scope = models.CharField(max_length=40, choices=TokenScope.choices,
                             default=TokenScope.SEARCH_READ)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self):
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, user, name, lifetime_days=None):
        """Create a token; the plain key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        days = lifetime_days or settings.API_TOKEN_LIFETIME_DAYS
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_key(key),
                                   expires_at=timezone.now() + timedelta(days=days))
        return token, key

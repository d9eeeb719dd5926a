from rest_framework.permissions import BasePermission, DjangoModelPermissions


class IsStaffMember(BasePermission):
    """Any active, signed-in (or token-bearing) member of staff."""

    message = "Sign in, or send a valid token in the Authorization header."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class StaffModelPermissions(DjangoModelPermissions):
    """Model permissions, including `view` for reads (DRF's default lets any user read)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

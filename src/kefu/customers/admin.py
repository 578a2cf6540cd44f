from django.contrib import admin

from kefu.customers.models import (
    BuyerAccount,
    Customer,
    CustomerNote,
    Membership,
    Order,
    PropertyUnit,
    ServiceRecord,
    Vehicle,
)


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0


class UnitInline(admin.TabularInline):
    model = PropertyUnit
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "business_line", "tier", "created_at", "merged_into")
    list_filter = ("business_line", "tier")
    search_fields = ("name", "phone")
    raw_id_fields = ("dedicated_agent", "merged_into", "created_by")
    readonly_fields = ("version", "created_at", "updated_at", "merged_at")
    list_select_related = ("business_line", "merged_into")
    inlines = [VehicleInline, UnitInline, MembershipInline]

    def has_delete_permission(self, request, obj=None):
        # tickets protect their customer; duplicates are merged, not deleted
        return False


@admin.register(CustomerNote)
class CustomerNoteAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "author", "created_at")
    raw_id_fields = ("customer", "author")


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("id", "model_name", "plate", "customer", "next_maintenance_on")
    search_fields = ("plate", "model_name")
    raw_id_fields = ("customer",)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    list_display = ("id", "vehicle", "serviced_on", "mileage_km")
    raw_id_fields = ("vehicle",)


@admin.register(PropertyUnit)
class PropertyUnitAdmin(admin.ModelAdmin):
    list_display = ("id", "building", "unit", "room", "area_m2", "customer")
    raw_id_fields = ("customer",)


@admin.register(BuyerAccount)
class BuyerAccountAdmin(admin.ModelAdmin):
    list_display = ("id", "platform", "platform_user_id", "customer")
    raw_id_fields = ("customer",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "order_no", "platform", "amount", "status", "placed_at")
    search_fields = ("order_no",)
    raw_id_fields = ("customer",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("id", "card_no", "balance", "lesson_hours", "expires_on", "customer")
    search_fields = ("card_no",)
    raw_id_fields = ("customer",)

using AmoHub.Grains.Interfaces.Crm;
using AmoHub.WebApi.Crm;
using Microsoft.Extensions.Primitives;

namespace AmoHub.Tests.Crm;

public sealed class WebhookFormTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_delivery_with_several_entities_yields_one_event_each_with_its_phones_and_emails()
    {
        var (delivery, errors) = AmoCrmWebhookForm.Parse(Form(
            ("account[subdomain]", "acme"),
            ("account[id]", "29000001"),
            ("contacts[update][0][id]", "20000001"),
            ("contacts[update][0][name]", "Иван Петров"),
            ("contacts[update][0][updated_at]", "1795382140"),
            ("contacts[update][0][custom_fields][0][id]", "1"),
            ("contacts[update][0][custom_fields][0][code]", "PHONE"),
            ("contacts[update][0][custom_fields][0][values][0][value]", "+7 903 123-45-67"),
            ("contacts[update][0][custom_fields][0][values][0][enum]", "WORK"),
            ("contacts[update][0][custom_fields][0][values][1][value]", "89031112233"),
            ("contacts[update][0][custom_fields][1][code]", "EMAIL"),
            ("contacts[update][0][custom_fields][1][values][0][value]", "ivan@example.com"),
            ("leads[status][0][id]", "30000001"),
            ("leads[status][0][status_id]", "1000012"),
            ("leads[status][0][old_status_id]", "1000011"),
            ("leads[status][0][pipeline_id]", "1000001"),
            ("leads[status][0][last_modified]", "1795382141"),
            ("companies[add][0][id]", "5")), ReceivedAt);

        Assert.Empty(errors);
        Assert.NotNull(delivery);
        Assert.Equal(("acme", 29000001L), (delivery.AccountSubdomain, delivery.AccountId));
        Assert.Equal(2, delivery.Events.Length);
        var contact = delivery.Events.Single(e => e.Entity == WebhookEntity.Contact);
        Assert.Equal((WebhookAction.Update, 20000001L, "Иван Петров"), (contact.Action, contact.Id, contact.Name));
        Assert.Equal(["+7 903 123-45-67", "89031112233"], contact.Phones.ToArray());
        Assert.True(contact.HasPhoneField);
        Assert.Equal(["ivan@example.com"], contact.Emails.ToArray());
        Assert.True(contact.HasEmailField);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795382140), contact.UpdatedAt);
        var lead = delivery.Events.Single(e => e.Entity == WebhookEntity.Lead);
        Assert.Equal((WebhookAction.Status, 30000001L, 1000012L, 1000001L), (lead.Action, lead.Id, lead.StatusId, lead.PipelineId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795382141), lead.UpdatedAt);
    }

    [Theory]
    [InlineData("contacts[add][0][id]", "abc", "contacts[add][0][id]")]
    [InlineData("leads[add][0][status_id]", "1x", "leads[add][0][status_id]")]
    [InlineData("account[id]", "-1", "account[id]")]
    public void A_malformed_number_is_an_error_naming_its_field(string key, string value, string field)
    {
        var (delivery, errors) = AmoCrmWebhookForm.Parse(Form(("leads[add][0][id]", "1"), (key, value)), ReceivedAt);

        Assert.Null(delivery);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void Keys_with_digits_other_than_ASCII_are_not_amoCRM_fields()
    {
        // Arabic-Indic and fullwidth digits match the regular expression \d; they used to reach int.Parse and throw.
        var (delivery, errors) = AmoCrmWebhookForm.Parse(Form(
            ("account[subdomain]", "acme"),
            ("contacts[update][0][id]", "20000001"),
            ("contacts[update][0][custom_fields][٢][code]", "PHONE"),
            ("contacts[update][0][custom_fields][٢][values][0][value]", "+7 903 123-45-67"),
            ("contacts[update][１][id]", "20000002")), ReceivedAt);

        Assert.Empty(errors);
        var contact = Assert.Single(delivery!.Events);
        Assert.Equal(20000001L, contact.Id);
        Assert.Empty(contact.Phones);
    }

    [Fact]
    public void An_entity_without_an_id_is_an_error()
    {
        var (delivery, errors) = AmoCrmWebhookForm.Parse(Form(("contacts[add][0][name]", "Без id")), ReceivedAt);

        Assert.Null(delivery);
        Assert.Contains("contacts[add][0][id]", errors.Keys);
    }

    [Fact]
    public void A_contact_event_without_custom_fields_says_it_has_no_phone_or_email_field()
    {
        var (delivery, _) = AmoCrmWebhookForm.Parse(Form(("contacts[update][0][id]", "7"), ("contacts[update][0][name]", "A")), ReceivedAt);

        var contact = Assert.Single(delivery!.Events);
        Assert.Equal((false, false), (contact.HasPhoneField, contact.HasEmailField));
        Assert.Empty(contact.Emails);
    }

    private static KeyValuePair<string, StringValues>[] Form(params (string Key, string Value)[] fields) =>
        fields.Select(field => new KeyValuePair<string, StringValues>(field.Key, field.Value)).ToArray();
}

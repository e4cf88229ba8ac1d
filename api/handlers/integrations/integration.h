// Integrations (Put/Get/List/DeleteIntegration) and S3-table integration sources
// (AssociateSourceToS3TableIntegration, DisassociateSourceFromS3TableIntegration,
// ListSourcesForS3TableIntegration): the model's rules and what the handlers share. An
// integration is a resource record of kind kIntegration named by integrationName; a source
// association one of kind kS3TableSource named by its identifier. Thread-safe.
#pragma once

#include <string_view>

#include "api/api_error.h"
#include "api/request_reader.h"

namespace cwlogd::api::integrations {

// Model `IntegrationName` and `IntegrationNamePrefix`: 1-50, [\.\-_/#A-Za-z0-9]+
extern const StringRule kIntegrationNameRule;
// Model `IntegrationType` and `IntegrationStatus`, in the model's order.
inline constexpr std::string_view kIntegrationTypes[] = {"OPENSEARCH"};
inline constexpr std::string_view kIntegrationStatuses[] = {"PROVISIONING", "ACTIVE", "FAILED"};
// Model `S3TableIntegrationSourceIdentifier`: 1-2048
inline constexpr StringRule kSourceIdentifierRule{1, 2048, "", nullptr, false};

// ResourceNotFoundException for an unknown integration (our text: AWS's is unknown).
ApiError IntegrationNotFound();

// The S3-table operations' model lists ValidationException, not InvalidParameterException:
// their validation problems (same Coral text) are answered as ValidationException.
ApiError AsValidation(ApiError e);

}  // namespace cwlogd::api::integrations

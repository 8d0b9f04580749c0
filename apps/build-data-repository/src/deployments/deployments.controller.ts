import { Controller, Get } from '@nestjs/common';
import { ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import type { Page } from '../pagination/cursor';
import { DeliveryHistoryService } from './delivery-history.service';
import {
  deploymentPageSchema,
  incidentPageSchema,
  listDeploymentsQuerySchema,
  listIncidentsQuerySchema,
  type DeploymentView,
  type IncidentView,
  type ListDeploymentsQuery,
  type ListIncidentsQuery,
} from './list-deployments.dto';

@Controller()
export class DeploymentsController {
  constructor(private readonly history: DeliveryHistoryService) {}

  @Get('deployments')
  @ApiRoute({
    summary: 'Deployments and rollbacks as reported (service.deployed|upgraded|rolledback), newest first',
    tags: ['deployments'],
    query: listDeploymentsQuerySchema,
    responses: { 200: { description: 'A page of deployments', schema: deploymentPageSchema } },
  })
  deployments(@ZodQuery(listDeploymentsQuerySchema) query: ListDeploymentsQuery): Promise<Page<DeploymentView>> {
    return this.history.listDeployments(query);
  }

  @Get('incidents')
  @ApiRoute({
    summary: 'Incidents as reported (incident.detected|resolved), newest first',
    tags: ['incidents'],
    query: listIncidentsQuerySchema,
    responses: { 200: { description: 'A page of incidents', schema: incidentPageSchema } },
  })
  incidents(@ZodQuery(listIncidentsQuerySchema) query: ListIncidentsQuery): Promise<Page<IncidentView>> {
    return this.history.listIncidents(query);
  }
}

import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SCHEMA } from '../config/env';
import { SharedWakeups } from '../database/wakeups';

/**
 * Wakes whoever follows an assignment, in whichever engine instance, when a worker's message about it
 * was recorded (keyed by assignment id). Only a hint to read the row again.
 */
@Injectable()
export class AssignmentNotifications extends SharedWakeups implements OnModuleInit, OnApplicationShutdown {
  constructor(dataSource: DataSource) {
    super(dataSource, `${SCHEMA}_task_assignments`);
  }

  onModuleInit(): Promise<void> {
    return this.listen();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

import { ApprovalsRepo } from './approvals-repo.js';
import { ConversationsRepo } from './conversations-repo.js';
import { openDatabase, type Db } from './database.js';
import { EventsRepo } from './events-repo.js';
import { ExperienceRepo } from './experience-repo.js';
import { FileChangesRepo } from './file-changes-repo.js';
import { MemoryRepo } from './memory-repo.js';
import { RulesRepo } from './rules-repo.js';
import { TasksRepo } from './tasks-repo.js';

/** Every repository over the one database file. */
export class Store {
  readonly conversations: ConversationsRepo;
  readonly tasks: TasksRepo;
  readonly events: EventsRepo;
  readonly approvals: ApprovalsRepo;
  readonly memories: MemoryRepo;
  readonly experience: ExperienceRepo;
  readonly rules: RulesRepo;
  readonly fileChanges: FileChangesRepo;

  constructor(readonly db: Db) {
    this.tasks = new TasksRepo(db);
    this.conversations = new ConversationsRepo(db, this.tasks);
    this.events = new EventsRepo(db);
    this.approvals = new ApprovalsRepo(db);
    this.memories = new MemoryRepo(db);
    this.experience = new ExperienceRepo(db);
    this.rules = new RulesRepo(db);
    this.fileChanges = new FileChangesRepo(db);
  }

  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  close(): void {
    this.db.close();
  }
}
